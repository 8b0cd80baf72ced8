//! GraphQL face of notifications: the outbox list and each person's mail and calendar settings.

use async_graphql::{
    ComplexObject, Context, Object, Result, SimpleObject,
    connection::{Connection, Edge},
};
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{
    entities::{MailMode, NotificationKind, NotificationStatus, notification, settings},
    service,
};
use crate::{
    accounts::graphql::{User, load_user},
    graphql::{actor, state},
    pagination::{Cursor, page_args},
};

#[derive(SimpleObject)]
#[graphql(complex)]
pub struct Notification {
    pub id: Uuid,
    pub kind: NotificationKind,
    pub subject: String,
    pub status: NotificationStatus,
    pub attempts: i32,
    pub due_at: DateTime<Utc>,
    pub next_attempt_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    #[graphql(skip)]
    pub message_id: String,
    pub last_error: Option<String>,
    pub link: Option<String>,
    /// Sent as part of a daily digest instead of alone.
    pub via_digest: bool,
    pub created_at: DateTime<Utc>,
    #[graphql(skip)]
    pub recipient_id: Uuid,
}

impl From<notification::Model> for Notification {
    fn from(m: notification::Model) -> Self {
        Self {
            id: m.id,
            kind: m.kind,
            subject: m.subject,
            status: m.status,
            attempts: m.attempts,
            due_at: m.due_at,
            next_attempt_at: m.next_attempt_at,
            sent_at: m.sent_at,
            message_id: m.message_id,
            last_error: m.last_error,
            link: m.link,
            via_digest: m.via_digest,
            created_at: m.created_at,
            recipient_id: m.recipient_id,
        }
    }
}

#[ComplexObject]
impl Notification {
    /// The Message-ID the mail is sent with, the same on every attempt.
    async fn message_id(&self, ctx: &Context<'_>) -> String {
        let host = super::mailer::public_host(&state(ctx).config.public_url);
        super::mailer::message_id_at(&self.message_id, &host)
    }

    async fn recipient(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        load_user(ctx, self.recipient_id).await
    }
}

/// How a person wants to be told, and where their calendar feed is.
#[derive(SimpleObject)]
pub struct NotificationSettings {
    /// One mail a day with everything due instead of single mails.
    pub digest: bool,
    /// Single mails, a daily digest, or none (notifications in the app only; sign-in links the
    /// person asks for are mailed anyway).
    pub mail_mode: MailMode,
    /// Private iCalendar feed of the person's due dates; keep it secret.
    pub calendar_url: String,
}

fn to_settings(s: settings::Model, public_url: &str) -> NotificationSettings {
    NotificationSettings {
        digest: s.digest,
        mail_mode: s.mail_mode(),
        calendar_url: format!("{public_url}/calendar/{}.ics", s.calendar_token),
    }
}

/// One entry of the person's notification centre: an outbox row as the app shows it.
#[derive(SimpleObject)]
pub struct InboxItem {
    pub id: Uuid,
    pub kind: NotificationKind,
    pub subject: String,
    /// Where the item is done, as a path inside the app (the signed confirm link of a mail
    /// becomes the delivery's own page).
    pub path: Option<String>,
    /// When it became due, i.e. when it was (or would have been) mailed.
    pub at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

fn to_inbox_item(m: notification::Model, public_url: &str) -> InboxItem {
    InboxItem {
        id: m.id,
        kind: m.kind,
        path: m.link.as_deref().and_then(|l| super::links::in_app_path(public_url, l)),
        subject: m.subject,
        at: m.due_at,
        read_at: m.read_at,
    }
}

#[derive(Default)]
pub struct NotificationsQuery;

#[Object]
impl NotificationsQuery {
    /// The outbox, newest first: all of it for coordinators, one's own mails for everyone else.
    async fn notifications(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Connection<String, Notification>> {
        let actor = actor(ctx)?;
        let (first, after) = page_args(first, after.as_deref())?;
        let (rows, more) = service::list(&state(ctx).db, actor, first, after).await?;
        let mut conn = Connection::new(after.is_some(), more);
        conn.edges.extend(rows.into_iter().map(|m| {
            let cursor = Cursor { at: m.created_at, id: m.id }.encode();
            Edge::new(cursor, Notification::from(m))
        }));
        Ok(conn)
    }

    /// The person's own notifications in the app, newest first; the same events as their mails.
    async fn my_inbox(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        #[graphql(desc = "Only those not marked read.")] unread_only: Option<bool>,
    ) -> Result<Connection<String, InboxItem>> {
        let actor = actor(ctx)?;
        let st = state(ctx);
        let (first, after) = page_args(first, after.as_deref())?;
        let (rows, more) =
            service::inbox(&st.db, actor.user_id, st.now(), unread_only.unwrap_or(false), first, after).await?;
        let mut conn = Connection::new(after.is_some(), more);
        conn.edges.extend(rows.into_iter().map(|m| {
            let cursor = Cursor { at: m.due_at, id: m.id }.encode();
            Edge::new(cursor, to_inbox_item(m, &st.config.public_url))
        }));
        Ok(conn)
    }

    /// How many of the person's notifications are unread (the number beside the bell).
    async fn my_unread_count(&self, ctx: &Context<'_>) -> Result<u64> {
        let actor = actor(ctx)?;
        let st = state(ctx);
        Ok(service::unread_count(&st.db, actor.user_id, st.now()).await?)
    }

    async fn my_notification_settings(&self, ctx: &Context<'_>) -> Result<NotificationSettings> {
        let actor = actor(ctx)?;
        let st = state(ctx);
        let s = service::settings_of(&st.db, actor.user_id, st.now()).await?;
        Ok(to_settings(s, &st.config.public_url))
    }
}

#[derive(Default)]
pub struct NotificationsMutation;

#[Object]
impl NotificationsMutation {
    /// Chooses one daily digest mail (true) or single mails (false).
    async fn set_notification_digest(&self, ctx: &Context<'_>, digest: bool) -> Result<NotificationSettings> {
        let actor = actor(ctx)?;
        let st = state(ctx);
        Ok(to_settings(service::set_digest(st, actor, digest).await?, &st.config.public_url))
    }

    /// Chooses how notifications arrive by mail: single mails, a daily digest or none at all.
    async fn set_notification_mail_mode(&self, ctx: &Context<'_>, mode: MailMode) -> Result<NotificationSettings> {
        let actor = actor(ctx)?;
        let st = state(ctx);
        let s = service::set_mail_mode(st, actor.user_id, mode, service::Switched::InApp).await?;
        Ok(to_settings(s, &st.config.public_url))
    }

    /// Marks one of one's own notifications read.
    async fn mark_notification_read(&self, ctx: &Context<'_>, id: Uuid) -> Result<InboxItem> {
        let actor = actor(ctx)?;
        let st = state(ctx);
        Ok(to_inbox_item(service::mark_read(st, actor, id).await?, &st.config.public_url))
    }

    /// Marks all of one's notifications read; answers how many were unread.
    async fn mark_all_notifications_read(&self, ctx: &Context<'_>) -> Result<u64> {
        let actor = actor(ctx)?;
        Ok(service::mark_all_read(state(ctx), actor).await?)
    }

    /// Issues a new calendar feed address; the old one stops working.
    async fn rotate_calendar_token(&self, ctx: &Context<'_>) -> Result<NotificationSettings> {
        let actor = actor(ctx)?;
        let st = state(ctx);
        Ok(to_settings(service::rotate_calendar_token(st, actor).await?, &st.config.public_url))
    }
}

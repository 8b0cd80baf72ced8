//! Comments on draft items through one `targetId`: threads, stances, anchors, edits with
//! history, moderation, and Markdown rendered so that no script reaches another browser.

use std::sync::{Arc, LazyLock};

use chrono::{DateTime, Utc};
use futures_util::future::BoxFuture;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseTransaction, EntityTrait, IntoActiveModel,
    QueryFilter, QueryOrder, QuerySelect, Set, sea_query::Expr,
};
use uuid::Uuid;

use super::entities::{Stance, TargetKind, comment, comment_version, process, proposal};
use crate::{
    accounts::{
        entities::user,
        policy::{Actor, Permission},
    },
    audit::AuditEntry,
    by_text::ByText,
    change::Change,
    error::{Error, Result},
    leitbild::{entities::field_of_action, service as lb},
    live::LiveEvent,
    notifications::{
        self,
        links::{self, Place},
    },
    pagination::Cursor,
    state::AppState,
    text::{Lines, TITLE},
};

/// Comments and the passages they quote.
pub const BODY: Lines = crate::text::TEXT;

/// What a comment is about, as far as comments need to know.
pub struct Target {
    pub kind: TargetKind,
    /// The text an anchor must quote from.
    pub text: String,
    /// The process whose consultation the comment belongs to (for the disposition table).
    pub process_id: Option<Uuid>,
    /// Where the item is read in the web app.
    pub place: Place,
}

/// Finds a target of one kind by id, or `None` if the id is not of that kind.
type Lookup = for<'a> fn(&'a DatabaseTransaction, Uuid) -> BoxFuture<'a, Result<Option<Target>>>;

/// One lookup per kind that can be commented on.
const LOOKUPS: &[Lookup] = &[proposal_target, goal_target, field_target, definition_target, indicator_target];

async fn find_target(txn: &DatabaseTransaction, id: Uuid) -> Result<Target> {
    for lookup in LOOKUPS {
        if let Some(t) = lookup(txn, id).await? {
            return Ok(t);
        }
    }
    Err(Error::validation("targetId", "nothing that can be commented on has this id"))
}

/// NOT_FOUND unless `id` is something that can be commented on (for subscriptions, which
/// would otherwise wait forever on an id that never gets a comment).
pub async fn ensure_target(db: &sea_orm::DatabaseConnection, id: Uuid) -> Result<()> {
    let txn = sea_orm::TransactionTrait::begin(db).await?;
    for lookup in LOOKUPS {
        if lookup(&txn, id).await?.is_some() {
            return Ok(());
        }
    }
    Err(Error::NotFound("comment target"))
}

fn proposal_target(txn: &DatabaseTransaction, id: Uuid) -> BoxFuture<'_, Result<Option<Target>>> {
    Box::pin(async move {
        Ok(proposal::Entity::find_by_id(id).one(txn).await?.map(|p| Target {
            kind: TargetKind::Proposal,
            text: format!("{}\n{}\n{}", p.title, p.text, p.rationale),
            process_id: Some(p.process_id),
            place: Place::Proposal { process_id: p.process_id, proposal_id: p.id },
        }))
    })
}

async fn process_of_leitbild(txn: &DatabaseTransaction, leitbild_id: Uuid) -> Result<Option<Uuid>> {
    Ok(process::Entity::find().filter(process::Column::LeitbildId.eq(leitbild_id)).one(txn).await?.map(|p| p.id))
}

fn goal_target(txn: &DatabaseTransaction, id: Uuid) -> BoxFuture<'_, Result<Option<Target>>> {
    Box::pin(async move {
        let Some(g) = crate::leitbild::entities::goal::Entity::find_by_id(id).one(txn).await? else {
            return Ok(None);
        };
        let lb = lb::leitbild_of_goal(txn, &g).await?;
        Ok(Some(Target {
            kind: TargetKind::Goal,
            text: lb::goal_text(&g.title, &g.description),
            process_id: process_of_leitbild(txn, lb.id).await?,
            place: Place::Goal { leitbild_id: lb.id, goal_id: g.id },
        }))
    })
}

fn field_target(txn: &DatabaseTransaction, id: Uuid) -> BoxFuture<'_, Result<Option<Target>>> {
    Box::pin(async move {
        let Some(f) = field_of_action::Entity::find_by_id(id).one(txn).await? else { return Ok(None) };
        Ok(Some(Target {
            kind: TargetKind::FieldOfAction,
            text: format!("{}\n{}", f.title, f.description),
            process_id: process_of_leitbild(txn, f.leitbild_id).await?,
            place: Place::FieldOfAction { leitbild_id: f.leitbild_id, field_id: f.id },
        }))
    })
}

/// Definitions belong to no process: their comments are part of the glossary's review.
fn definition_target(txn: &DatabaseTransaction, id: Uuid) -> BoxFuture<'_, Result<Option<Target>>> {
    Box::pin(async move {
        Ok(crate::glossary::entities::definition::Entity::find_by_id(id).one(txn).await?.map(|d| Target {
            kind: TargetKind::Definition,
            place: Place::Definition { term_id: d.term_id, definition_id: d.id },
            text: [Some(d.text), d.scope_note].into_iter().flatten().collect::<Vec<_>>().join("\n"),
            process_id: None,
        }))
    })
}

fn indicator_target(txn: &DatabaseTransaction, id: Uuid) -> BoxFuture<'_, Result<Option<Target>>> {
    Box::pin(async move {
        Ok(crate::indicators::entities::indicator::Entity::find_by_id(id).one(txn).await?.map(|i| Target {
            kind: TargetKind::Indicator,
            text: format!("{}\n{}\n{}", i.code, i.name, i.source_description),
            process_id: None,
            place: Place::Indicator(i.id),
        }))
    })
}

/// A comment's body rendered, kept by its text: the process page shows hundreds of comments
/// on every load, and rendering and cleaning one costs far more than finding it.
pub fn rendered_markdown(body: &str) -> Arc<String> {
    static RENDERED: LazyLock<ByText<String>> = LazyLock::new(|| ByText::new(64 * 1024, 8 * 1024 * 1024));
    let make = || {
        let mut html = render_markdown(body);
        html.shrink_to_fit();
        html
    };
    RENDERED.get_or_make(body, make, |html| body.len() + html.len())
}

/// Markdown to HTML, then sanitised: raw HTML, scripts, event handlers and `javascript:` links
/// are removed, links get `rel="noopener noreferrer"`.
pub fn render_markdown(body: &str) -> String {
    use pulldown_cmark::{Options, Parser, html};
    let mut out = String::new();
    html::push_html(&mut out, Parser::new_ext(body, Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TABLES));
    ammonia::clean(&out)
}

pub struct NewComment {
    pub target_id: Uuid,
    pub parent_id: Option<Uuid>,
    pub body: String,
    pub stance: Stance,
    pub anchor: Option<String>,
}

pub async fn add_comment(state: &AppState, actor: &Actor, input: NewComment) -> Result<comment::Model> {
    actor.require(Permission::Participate)?;
    let body = BODY.required("body", &input.body)?;
    let anchor = BODY.optional("anchor", input.anchor.as_deref())?;
    let now = state.now();
    let mut txn = Change::begin(&state.db, now).await?;
    let target = find_target(txn.transaction(), input.target_id).await?;
    if let Some(a) = &anchor
        && !target.text.contains(a.as_str())
    {
        return Err(Error::validation("anchor", "must quote a passage of the commented text"));
    }
    let parent = match input.parent_id {
        Some(id) => match comment::Entity::find_by_id(id).one(&txn).await? {
            Some(p) if p.target_id == input.target_id => Some(p),
            _ => return Err(Error::validation("parentId", "a reply answers a comment on the same item")),
        },
        None => None,
    };
    let row = comment::ActiveModel {
        id: Set(Uuid::now_v7()),
        target_id: Set(input.target_id),
        target_kind: Set(target.kind),
        process_id: Set(target.process_id),
        parent_id: Set(input.parent_id),
        author_id: Set(actor.user_id),
        body: Set(body.clone()),
        stance: Set(input.stance),
        anchor: Set(anchor),
        version: Set(1),
        hidden_at: Set(None),
        hidden_by: Set(None),
        hidden_reason: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    insert_version(&txn, row.id, 1, body, now).await?;
    txn.audit(
        Some(actor.user_id),
        AuditEntry {
            action: "comment.add",
            entity_type: "comment",
            entity_id: Some(row.id),
            summary: format!("Kommentar zu {:?} {}", target.kind, input.target_id),
        },
    );
    if let Some(parent) = parent.filter(|p| p.author_id != actor.user_id) {
        let url = links::url(&state.config.public_url, &target.place.path());
        enqueue_reply_notice(&txn, url, &parent, &row, now).await?;
    }
    txn.publish(&state.live, LiveEvent::CommentAdded { target_id: row.target_id, comment_id: row.id });
    txn.commit().await?;
    Ok(row)
}

/// Tells the author of `parent` about the reply, once (the reply's id is the dedupe key).
async fn enqueue_reply_notice<C: ConnectionTrait>(
    txn: &C,
    url: String,
    parent: &comment::Model,
    reply: &comment::Model,
    now: DateTime<Utc>,
) -> Result<()> {
    let author = user::Entity::find_by_id(reply.author_id).one(txn).await?.map(|u| u.name).unwrap_or_default();
    let excerpt: String = reply.body.chars().take(300).collect();
    let ellipsis = if reply.body.chars().count() > 300 { " …" } else { "" };
    let lines = vec![format!("{author} hat auf Ihren Kommentar geantwortet:"), format!("„{excerpt}{ellipsis}“")];
    let text = crate::notifications::mailer::compose("Guten Tag,", &lines, "Antwort lesen", &url);
    notifications::service::enqueue_many(
        txn,
        vec![notifications::service::NewNotification {
            recipient_id: parent.author_id,
            kind: notifications::entities::NotificationKind::CommentReply,
            dedupe_key: format!("comment-reply:{}", reply.id),
            due_at: now,
            subject: format!("Antwort von {author} auf Ihren Kommentar"),
            body_text: text,
            body_html: None,
            link: Some(url),
            cc: vec![],
        }],
        now,
    )
    .await?;
    Ok(())
}

async fn insert_version<C: ConnectionTrait>(
    txn: &C,
    comment_id: Uuid,
    version: i32,
    body: String,
    now: DateTime<Utc>,
) -> Result<()> {
    comment_version::ActiveModel {
        id: Set(Uuid::now_v7()),
        comment_id: Set(comment_id),
        version: Set(version),
        body: Set(body),
        created_at: Set(now),
    }
    .insert(txn)
    .await?;
    Ok(())
}

/// The author changes their comment; every version stays. Stale `expected_version` → CONFLICT.
pub async fn edit_comment(
    state: &AppState,
    actor: &Actor,
    comment_id: Uuid,
    body: &str,
    expected_version: i32,
) -> Result<comment::Model> {
    actor.require(Permission::Participate)?;
    let body = BODY.required("body", body)?;
    let now = state.now();
    let mut txn = Change::begin(&state.db, now).await?;
    let c = comment::Entity::find_by_id(comment_id).one(&txn).await?.ok_or(Error::NotFound("comment"))?;
    if c.author_id != actor.user_id {
        return Err(Error::forbidden("only the author edits a comment"));
    }
    if c.hidden_at.is_some() {
        return Err(Error::conflict("a hidden comment cannot be edited"));
    }
    let stale = |c: &comment::Model| Error::Conflict {
        message: format!("the comment was changed meanwhile; it is at version {}", c.version),
        details: Some(serde_json::json!({ "currentVersion": c.version, "body": c.body })),
    };
    if c.version != expected_version {
        return Err(stale(&c));
    }
    let next = c.version + 1;
    let res = comment::Entity::update_many()
        .col_expr(comment::Column::Body, Expr::value(body.clone()))
        .col_expr(comment::Column::Version, Expr::value(next))
        .col_expr(comment::Column::UpdatedAt, Expr::value(now))
        .filter(comment::Column::Id.eq(c.id))
        .filter(comment::Column::Version.eq(c.version))
        .exec(&txn)
        .await?;
    if res.rows_affected != 1 {
        return Err(stale(&c));
    }
    insert_version(&txn, c.id, next, body.clone(), now).await?;
    txn.audit(
        Some(actor.user_id),
        AuditEntry {
            action: "comment.edit",
            entity_type: "comment",
            entity_id: Some(c.id),
            summary: format!("Kommentar bearbeitet (Version {next})"),
        },
    );
    txn.commit().await?;
    Ok(comment::Model { body, version: next, updated_at: now, ..c })
}

/// A moderator hides a comment with a reason; it stays in the record, shown as hidden.
pub async fn hide_comment(state: &AppState, actor: &Actor, comment_id: Uuid, reason: &str) -> Result<comment::Model> {
    actor.require(Permission::Moderate)?;
    let reason = TITLE.required("reason", reason)?;
    let now = state.now();
    let mut txn = Change::begin(&state.db, now).await?;
    let c = comment::Entity::find_by_id(comment_id).one(&txn).await?.ok_or(Error::NotFound("comment"))?;
    if c.hidden_at.is_some() {
        return Ok(c);
    }
    let mut row = c.into_active_model();
    row.hidden_at = Set(Some(now));
    row.hidden_by = Set(Some(actor.user_id));
    row.hidden_reason = Set(Some(reason.clone()));
    let updated = row.update(&txn).await?;
    txn.audit(
        Some(actor.user_id),
        AuditEntry {
            action: "comment.hide",
            entity_type: "comment",
            entity_id: Some(comment_id),
            summary: format!("Kommentar ausgeblendet: {reason}"),
        },
    );
    txn.commit().await?;
    Ok(updated)
}

/// Top-level comments on a target, newest first; the flag says whether more follow.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    target_id: Uuid,
    first: u64,
    after: Option<Cursor>,
) -> Result<(Vec<comment::Model>, bool)> {
    let mut q = comment::Entity::find()
        .filter(comment::Column::TargetId.eq(target_id))
        .filter(comment::Column::ParentId.is_null());
    if let Some(c) = after {
        q = q.filter(
            Condition::any()
                .add(comment::Column::CreatedAt.lt(c.at))
                .add(Condition::all().add(comment::Column::CreatedAt.eq(c.at)).add(comment::Column::Id.lt(c.id))),
        );
    }
    let mut rows =
        q.order_by_desc(comment::Column::CreatedAt).order_by_desc(comment::Column::Id).limit(first + 1).all(db).await?;
    let more = rows.len() as u64 > first;
    rows.truncate(first as usize);
    Ok((rows, more))
}

pub async fn comment_by_id<C: ConnectionTrait>(db: &C, id: Uuid) -> Result<comment::Model> {
    comment::Entity::find_by_id(id).one(db).await?.ok_or(Error::NotFound("comment"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_is_rendered_once_and_then_shared() {
        let body = "Ein **eigener** Text, den nur dieser Test rendert";
        let first = rendered_markdown(body);
        assert!(Arc::ptr_eq(&first, &rendered_markdown(body)));
        assert_eq!(*first, render_markdown(body));
    }

    #[test]
    fn markdown_is_rendered() {
        let html = render_markdown("**wichtig** und [Quelle](https://example.org)");
        assert!(html.contains("<strong>wichtig</strong>"), "{html}");
        assert!(html.contains("href=\"https://example.org\""), "{html}");
        assert!(html.contains("rel=\"noopener noreferrer\""), "{html}");
    }

    #[test]
    fn script_and_html_never_pass() {
        for evil in [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "[klick](javascript:alert(1))",
            "<a href=\"javascript:alert(1)\">x</a>",
            "<iframe src=\"https://evil.example\"></iframe>",
            "<div style=\"position:fixed\" onclick=\"alert(1)\">x</div>",
        ] {
            let html = render_markdown(evil).to_ascii_lowercase();
            for bad in ["<script", "onerror", "javascript:", "<iframe", "onclick", "style="] {
                assert!(!html.contains(bad), "{evil} → {html}");
            }
        }
    }
}

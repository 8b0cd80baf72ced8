//! The rules of a participation process: starting it, moving its phases (by hand or by the
//! scheduler, claimed in the database), proposals, votes and their tallies.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, TransactionTrait,
    sea_query::{Expr, OnConflict},
};
use uuid::Uuid;

use super::{
    entities::{
        Eligibility, PhaseKind, ProcessStatus, ProposalKind, ProposalStatus, VoteChoice, participant, phase, process,
        proposal, vote,
    },
    proposal_rules,
    rules::{self, TallyOutcome, VotingRule},
};
use crate::{
    accounts::{
        entities::{Sector, membership, organization, user},
        policy::{Actor, Permission},
    },
    audit::{self, AuditEntry},
    error::{Error, Result},
    leitbild::{
        entities::LeitbildStatus,
        service::{self as lb, NewGoal},
    },
    live::LiveEvent,
    notifications::{
        entities::NotificationKind,
        service::{self as outbox, NewNotification},
    },
    state::AppState,
    text::{LONG_TEXT, TITLE},
};

mod processes;
mod proposals;
mod votes;

pub use processes::*;
pub use proposals::*;
pub use votes::*;

/// Eligible people who have not voted are reminded this long before the vote closes.
pub const VOTE_CLOSING_NOTICE_HOURS: i64 = 48;
const VOTE_CLOSING_KEY: &str = "vote-closing";

fn vote_closing_key(process_id: Uuid, user_id: Uuid) -> String {
    format!("{VOTE_CLOSING_KEY}:{process_id}:{user_id}")
}

/// The process and the person of a "vote closing" reminder's key; `None` for other keys.
fn parse_vote_closing_key(key: &str) -> Option<(Uuid, Uuid)> {
    let (process, user) = key.strip_prefix(VOTE_CLOSING_KEY)?.strip_prefix(':')?.split_once(':')?;
    Some((process.parse().ok()?, user.parse().ok()?))
}

/// Whether each "vote closing" reminder is still owed right before it goes out: its recipient
/// may still vote on an open proposal of the process. The settlement at each vote misses what
/// happens otherwise (a person who left their organisation, two votes of one person landing at
/// once), and nobody should be told their vote is missing when it is not. One look at each
/// process's pending voters among the batch's recipients; keys of other areas are owed.
pub async fn vote_closing_still_owed<C: ConnectionTrait>(db: &C, keys: &[&str]) -> Result<HashMap<String, bool>> {
    let mut out = HashMap::with_capacity(keys.len());
    let mut by_process: HashMap<Uuid, Vec<(&str, Uuid)>> = HashMap::new();
    for key in keys {
        match parse_vote_closing_key(key) {
            Some((process, user)) => by_process.entry(process).or_default().push((key, user)),
            None => {
                out.insert(key.to_string(), true);
            }
        }
    }
    for (process, waiting) in by_process {
        let people: Vec<Uuid> = waiting.iter().map(|(_, user)| *user).collect();
        let pending = match pending_voters_among(db, process, Some(&people)).await {
            Ok(pending) => pending,
            Err(Error::NotFound(_)) => HashMap::new(),
            Err(e) => return Err(e),
        };
        for (key, user) in waiting {
            out.insert(key.to_string(), pending.contains_key(&user));
        }
    }
    Ok(out)
}

/// "1 Vorschlag", "3 Vorschlägen": after "zu", in the dative.
fn proposal_count(n: usize) -> String {
    crate::german::count(n, "Vorschlag", "Vorschlägen")
}

/// A time as German readers expect it: Berlin local time.
pub fn german_time(t: DateTime<Utc>) -> String {
    t.with_timezone(&chrono_tz::Europe::Berlin).format("%d.%m.%Y, %H:%M Uhr").to_string()
}

/// Entering VOTING: one reminder per eligible person, due 48 hours before the vote closes, or
/// at once when less is left (one reminder, never a backlog). Voting on every open proposal
/// cancels it; so does closing the vote early.
async fn enqueue_vote_closing<C: ConnectionTrait>(
    txn: &C,
    public_url: &str,
    p: &process::Model,
    ends_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<u64> {
    let pending = pending_voters(txn, p.id).await?;
    let due_at = (ends_at - chrono::Duration::hours(VOTE_CLOSING_NOTICE_HOURS)).max(now);
    let url = crate::notifications::links::url(public_url, &crate::notifications::links::Place::Process(p.id).path());
    let closes = german_time(ends_at);
    let mails = pending
        .into_iter()
        .map(|(user, proposals)| {
            let lines = vec![
                format!("die Abstimmung im Beteiligungsprozess „{}“ endet am {closes}.", p.title),
                match p.eligibility {
                    Eligibility::Person => format!("Zu {} fehlt noch Ihre Stimme.", proposal_count(proposals.len())),
                    Eligibility::Organization => {
                        format!("Zu {} fehlt noch die Stimme Ihrer Organisation.", proposal_count(proposals.len()))
                    }
                },
            ];
            let text = crate::notifications::mailer::compose("Guten Tag,", &lines, "Zur Abstimmung", &url);
            NewNotification {
                recipient_id: user,
                kind: NotificationKind::VoteClosing,
                dedupe_key: vote_closing_key(p.id, user),
                due_at,
                subject: format!("Abstimmung endet am {closes}: {}", p.title),
                body_text: text,
                body_html: None,
                link: Some(url.clone()),
                cc: vec![],
            }
        })
        .collect();
    outbox::enqueue_many(txn, mails, now).await
}

/// Under ORGANIZATION eligibility, after the organisation's vote: once it has voted on every
/// open proposal, its members no longer get the reminder, except a member of another
/// participating organisation that has not. Looks only at the organisation and its members, so
/// that a vote costs the same however many take part.
async fn settle_organization_vote_closing<C: ConnectionTrait>(
    txn: &C,
    p: &process::Model,
    organization_id: Uuid,
) -> Result<()> {
    let open: Vec<Uuid> = proposal::Entity::find()
        .select_only()
        .column(proposal::Column::Id)
        .filter(proposal::Column::ProcessId.eq(p.id))
        .filter(proposal::Column::Status.eq(ProposalStatus::InVote))
        .into_tuple()
        .all(txn)
        .await?;
    // How many of the open proposals each of the given voters has voted on.
    let counts = |voters: Vec<Uuid>| async {
        let pairs: Vec<(Uuid, Uuid)> = vote::Entity::find()
            .select_only()
            .column(vote::Column::VoterId)
            .column(vote::Column::ProposalId)
            .filter(vote::Column::ProposalId.is_in(open.iter().copied()))
            .filter(vote::Column::VoterId.is_in(voters))
            .into_tuple()
            .all(txn)
            .await?;
        let mut n: HashMap<Uuid, usize> = HashMap::new();
        for (voter, _) in pairs {
            *n.entry(voter).or_default() += 1;
        }
        Ok::<_, Error>(n)
    };
    if counts(vec![organization_id]).await?.get(&organization_id).copied().unwrap_or(0) < open.len() {
        return Ok(());
    }
    let members: Vec<Uuid> = membership::Entity::find()
        .filter(membership::Column::OrganizationId.eq(organization_id))
        .all(txn)
        .await?
        .into_iter()
        .map(|m| m.user_id)
        .collect();
    let participants: HashSet<Uuid> = participants_of(txn, p.id).await?.into_iter().collect();
    let theirs: Vec<membership::Model> = membership::Entity::find()
        .filter(membership::Column::UserId.is_in(members.iter().copied()))
        .all(txn)
        .await?
        .into_iter()
        .filter(|m| participants.contains(&m.organization_id))
        .collect();
    let n = counts(theirs.iter().map(|m| m.organization_id).collect::<HashSet<_>>().into_iter().collect()).await?;
    let done: Vec<String> = members
        .into_iter()
        .filter(|u| {
            theirs
                .iter()
                .filter(|m| m.user_id == *u)
                .all(|m| n.get(&m.organization_id).copied().unwrap_or(0) >= open.len())
        })
        .map(|user| vote_closing_key(p.id, user))
        .collect();
    if !done.is_empty() {
        outbox::cancel_keys(done).exec(txn).await?;
    }
    Ok(())
}

/// Bounds what one process holds, so that its lists (proposals, the disposition table) stay
/// loadable in one piece: far above a city's real processes, low enough to stop a runaway script.
pub const MAX_PROPOSALS_PER_PROCESS: u64 = 2_000;

pub struct PhaseInput {
    pub kind: PhaseKind,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
}

pub struct NewProcess {
    pub leitbild_id: Uuid,
    pub title: String,
    pub phases: Vec<PhaseInput>,
    pub eligibility: Eligibility,
    pub rule: VotingRule,
    pub participant_ids: Vec<Uuid>,
    pub resolution_reference: Option<String>,
}

// ---- reading ----------------------------------------------------------------------------

pub async fn has_running_process<C: ConnectionTrait>(db: &C, leitbild_id: Uuid) -> Result<bool> {
    Ok(process::Entity::find()
        .filter(process::Column::LeitbildId.eq(leitbild_id))
        .filter(process::Column::Status.eq(ProcessStatus::Active))
        .one(db)
        .await?
        .is_some())
}

/// Adopts a draft that is not under a running process (e.g. a city's very first Leitbild). It
/// lives here, not in `leitbild`, because only this area knows whether a process runs.
pub async fn adopt_leitbild(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    resolution_reference: Option<String>,
) -> Result<crate::leitbild::entities::leitbild::Model> {
    actor.require(Permission::RunLeitbild)?;
    let reference = TITLE.optional("resolutionReference", resolution_reference.as_deref())?;
    let now = state.now();
    let txn = state.db.begin().await?;
    let draft = lb::leitbild_by_id(&txn, id).await?;
    if has_running_process(&txn, id).await? {
        return Err(Error::conflict("this edition is under a running process; it is adopted when the process ends"));
    }
    let adopted = lb::adopt_in(&txn, draft, now, reference, Some(actor.user_id)).await?;
    txn.commit().await?;
    Ok(adopted)
}

pub async fn process_by_id<C: ConnectionTrait>(db: &C, id: Uuid) -> Result<process::Model> {
    process::Entity::find_by_id(id).one(db).await?.ok_or(Error::NotFound("process"))
}

/// Reads a process and holds a share lock on its row until the transaction ends (PostgreSQL;
/// SQLite has one writer anyway). Advancing a phase updates that row, so it waits for every
/// vote or proposal in flight, and those that come after it see the new phase: no vote lands
/// after its proposal was decided, no proposal stays SUBMITTED through VOTING.
async fn process_for_share<C: ConnectionTrait>(db: &C, id: Uuid) -> Result<process::Model> {
    process::Entity::find_by_id(id).lock_shared().one(db).await?.ok_or(Error::NotFound("process"))
}

pub async fn proposal_by_id<C: ConnectionTrait>(db: &C, id: Uuid) -> Result<proposal::Model> {
    proposal::Entity::find_by_id(id).one(db).await?.ok_or(Error::NotFound("proposal"))
}

pub async fn phases_of<C: ConnectionTrait>(db: &C, process_id: Uuid) -> Result<Vec<phase::Model>> {
    Ok(phase::Entity::find()
        .filter(phase::Column::ProcessId.eq(process_id))
        .order_by_asc(phase::Column::Position)
        .all(db)
        .await?)
}

pub async fn participants_of<C: ConnectionTrait>(db: &C, process_id: Uuid) -> Result<Vec<Uuid>> {
    Ok(participant::Entity::find()
        .filter(participant::Column::ProcessId.eq(process_id))
        .all(db)
        .await?
        .into_iter()
        .map(|p| p.organization_id)
        .collect())
}

/// The phase a process is in, or `None` once it is completed.
pub async fn current_phase<C: ConnectionTrait>(db: &C, p: &process::Model) -> Result<Option<phase::Model>> {
    if p.status != ProcessStatus::Active {
        return Ok(None);
    }
    Ok(phase::Entity::find()
        .filter(phase::Column::ProcessId.eq(p.id))
        .filter(phase::Column::Position.eq(p.current_phase))
        .one(db)
        .await?)
}

pub fn rule_of(p: &process::Model) -> VotingRule {
    VotingRule { quorum: p.quorum, threshold: p.threshold, sector_majority: p.sector_majority }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vote_closing_keys_parse_back() {
        let (process, user) = (Uuid::now_v7(), Uuid::now_v7());
        assert_eq!(parse_vote_closing_key(&vote_closing_key(process, user)), Some((process, user)));
        assert_eq!(parse_vote_closing_key(&format!("{VOTE_CLOSING_KEY}:{process}:")), None);
        assert_eq!(parse_vote_closing_key(&format!("delivery:{process}:e1:{user}")), None);
        assert_eq!(parse_vote_closing_key("vote-closing-x:1:2"), None);
    }
}

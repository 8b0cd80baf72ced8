//! Abwägung: a coordinator's decision on every proposal and comment of a process, and the
//! disposition table as a list, CSV and XLSX.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, Set,
};
use uuid::Uuid;

use super::{
    entities::{DispositionDecision, ProcessStatus, ProposalStatus, SubjectKind, comment, disposition, proposal},
    service::process_by_id,
};
use crate::{
    accounts::{
        entities::{membership, organization, user},
        policy::{Actor, Permission},
    },
    audit::AuditEntry,
    change::Change,
    error::{Error, Result},
    german::German,
    state::AppState,
    tables::{Cell, Table},
    text::{self, LONG_TEXT},
};

pub struct NewDisposition {
    pub subject_id: Uuid,
    pub decision: DispositionDecision,
    pub reason: String,
    pub link: Option<String>,
}

/// The change a contribution caused: an id in the draft, or a web page (never `javascript:` and the like).
fn clean_link(raw: Option<&str>) -> Result<Option<String>> {
    match raw.map(str::trim) {
        None | Some("") => Ok(None),
        Some(l) => match l.parse::<Uuid>() {
            Ok(id) => Ok(Some(id.to_string())),
            Err(_) => text::web_link("link", l).map(Some),
        },
    }
}

/// Records (or revises) the decision on a proposal or a comment of a process.
pub async fn set_disposition(state: &AppState, actor: &Actor, input: NewDisposition) -> Result<disposition::Model> {
    actor.require(Permission::Moderate)?;
    let reason = LONG_TEXT.or_empty("reason", &input.reason)?;
    if reason.is_empty() {
        return Err(Error::validation("reason", "give the reason for the decision"));
    }
    let link = clean_link(input.link.as_deref())?;
    let now = state.now();
    let mut txn = Change::begin(&state.db, now).await?;
    let (kind, process_id) = match proposal::Entity::find_by_id(input.subject_id).one(&txn).await? {
        Some(p) => (SubjectKind::Proposal, p.process_id),
        None => match comment::Entity::find_by_id(input.subject_id).one(&txn).await? {
            Some(c) => (
                SubjectKind::Comment,
                c.process_id.ok_or_else(|| Error::validation("subjectId", "this comment belongs to no process"))?,
            ),
            None => return Err(Error::validation("subjectId", "neither a proposal nor a comment")),
        },
    };
    let existing =
        disposition::Entity::find().filter(disposition::Column::SubjectId.eq(input.subject_id)).one(&txn).await?;
    let saved = match existing {
        Some(d) => {
            let mut row = d.into_active_model();
            row.decision = Set(input.decision);
            row.reason = Set(reason);
            row.link = Set(link);
            row.decided_by = Set(actor.user_id);
            row.updated_at = Set(now);
            row.update(&txn).await?
        }
        None => {
            disposition::ActiveModel {
                id: Set(Uuid::now_v7()),
                process_id: Set(process_id),
                subject_id: Set(input.subject_id),
                subject_kind: Set(kind),
                decision: Set(input.decision),
                reason: Set(reason),
                link: Set(link),
                decided_by: Set(actor.user_id),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(&txn)
            .await?
        }
    };
    txn.audit(
        Some(actor.user_id),
        AuditEntry {
            action: "disposition.set",
            entity_type: if kind == SubjectKind::Proposal { "proposal" } else { "comment" },
            entity_id: Some(input.subject_id),
            summary: format!("Abwägung: {}", input.decision.german()),
        },
    );
    txn.commit().await?;
    Ok(saved)
}

/// Proposals and comments of the given processes that have no decision yet, oldest first.
/// Hidden comments count too: the Abwägung answers every contribution, if only "zur Kenntnis".
pub async fn undecided<C: ConnectionTrait>(db: &C, process_ids: &[Uuid]) -> Result<Vec<Uuid>> {
    if process_ids.is_empty() {
        return Ok(Vec::new());
    }
    let decided: std::collections::HashSet<Uuid> = disposition::Entity::find()
        .filter(disposition::Column::ProcessId.is_in(process_ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|d| d.subject_id)
        .collect();
    let mut open: Vec<(DateTime<Utc>, Uuid)> = proposal::Entity::find()
        .filter(proposal::Column::ProcessId.is_in(process_ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.created_at, p.id))
        .collect();
    open.extend(
        comment::Entity::find()
            .filter(comment::Column::ProcessId.is_in(process_ids.iter().copied()))
            .all(db)
            .await?
            .into_iter()
            .map(|c| (c.created_at, c.id)),
    );
    open.retain(|(_, id)| !decided.contains(id));
    open.sort();
    Ok(open.into_iter().map(|(_, id)| id).collect())
}

/// Key of the conflict's details that names the undecided contributions.
const OPEN_CONTRIBUTIONS: &str = "openContributions";

/// Adopting with undecided contributions needs the coordinator's explicit word
/// (`acceptOpenContributions`); the conflict carries their number and ids for the UI.
pub fn undecided_conflict(ids: &[Uuid]) -> Error {
    Error::Conflict {
        message: format!(
            "{} contributions are not yet decided in the Abwägung; decide them or adopt with acceptOpenContributions",
            ids.len()
        ),
        details: Some(serde_json::json!({ OPEN_CONTRIBUTIONS: ids.len(), "ids": ids })),
    }
}

/// Whether `e` is the refusal of [`undecided_conflict`] (and not e.g. a concurrent advance).
pub fn is_undecided_conflict(e: &Error) -> bool {
    matches!(e, Error::Conflict { details: Some(d), .. } if d.get(OPEN_CONTRIBUTIONS).is_some())
}

/// Refuses unless every contribution of the processes is decided or `accept_open` is given;
/// answers how many were left open.
pub async fn require_decided<C: ConnectionTrait>(db: &C, process_ids: &[Uuid], accept_open: bool) -> Result<usize> {
    let open = undecided(db, process_ids).await?;
    if !open.is_empty() && !accept_open {
        return Err(undecided_conflict(&open));
    }
    Ok(open.len())
}

/// One line of the disposition table.
#[derive(Debug, Clone)]
pub struct DispositionRow {
    pub subject_kind: SubjectKind,
    pub subject_id: Uuid,
    pub submitted_at: DateTime<Utc>,
    /// A proposal's title, or a comment's body (withheld when hidden).
    pub text: String,
    pub author_id: Uuid,
    pub author_name: String,
    pub organization_name: Option<String>,
    pub proposal_status: Option<ProposalStatus>,
    /// For an accepted proposal: the goal or field of action it created, changed or removed.
    pub result_entity_id: Option<Uuid>,
    pub hidden: bool,
    pub disposition: Option<disposition::Model>,
    /// The process has ended: a contribution still without decision stays "nicht entschieden".
    pub process_completed: bool,
}

/// Every proposal and comment of a process with its decision, in the order they came in.
pub async fn table<C: ConnectionTrait>(db: &C, actor: &Actor, process_id: Uuid) -> Result<Vec<DispositionRow>> {
    actor.require(Permission::Participate)?;
    let completed = process_by_id(db, process_id).await?.status == ProcessStatus::Completed;
    let proposals = proposal::Entity::find()
        .filter(proposal::Column::ProcessId.eq(process_id))
        .order_by_asc(proposal::Column::CreatedAt)
        .all(db)
        .await?;
    let comments = comment::Entity::find()
        .filter(comment::Column::ProcessId.eq(process_id))
        .order_by_asc(comment::Column::CreatedAt)
        .all(db)
        .await?;
    let decisions: HashMap<Uuid, disposition::Model> = disposition::Entity::find()
        .filter(disposition::Column::ProcessId.eq(process_id))
        .all(db)
        .await?
        .into_iter()
        .map(|d| (d.subject_id, d))
        .collect();
    let authors: HashMap<Uuid, String> = user::Entity::find()
        .filter(
            user::Column::Id.is_in(proposals.iter().map(|p| p.author_id).chain(comments.iter().map(|c| c.author_id))),
        )
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect();
    // A comment names no organisation: its author's memberships stand for it.
    let memberships = membership::Entity::find()
        .filter(membership::Column::UserId.is_in(comments.iter().map(|c| c.author_id)))
        .all(db)
        .await?;
    let orgs: HashMap<Uuid, String> = organization::Entity::find()
        .filter(
            organization::Column::Id.is_in(
                proposals
                    .iter()
                    .filter_map(|p| p.author_organization_id)
                    .chain(memberships.iter().map(|m| m.organization_id)),
            ),
        )
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    let mut orgs_of: HashMap<Uuid, Vec<String>> = HashMap::new();
    for m in &memberships {
        if let Some(name) = orgs.get(&m.organization_id) {
            orgs_of.entry(m.user_id).or_default().push(name.clone());
        }
    }
    for names in orgs_of.values_mut() {
        names.sort();
    }
    let moderator = actor.can(Permission::Moderate);
    let mut rows: Vec<DispositionRow> = proposals
        .into_iter()
        .map(|p| DispositionRow {
            subject_kind: SubjectKind::Proposal,
            subject_id: p.id,
            submitted_at: p.created_at,
            text: p.title,
            author_id: p.author_id,
            author_name: authors.get(&p.author_id).cloned().unwrap_or_default(),
            organization_name: p.author_organization_id.and_then(|o| orgs.get(&o).cloned()),
            proposal_status: Some(p.status),
            result_entity_id: p.result_entity_id,
            hidden: false,
            disposition: decisions.get(&p.id).cloned(),
            process_completed: completed,
        })
        .collect();
    rows.extend(comments.into_iter().map(|c| {
        let hidden = c.hidden_at.is_some();
        DispositionRow {
            subject_kind: SubjectKind::Comment,
            subject_id: c.id,
            submitted_at: c.created_at,
            text: if hidden && !moderator { "(ausgeblendet)".into() } else { c.body },
            author_id: c.author_id,
            author_name: authors.get(&c.author_id).cloned().unwrap_or_default(),
            organization_name: orgs_of.get(&c.author_id).map(|names| names.join("; ")),
            proposal_status: None,
            result_entity_id: None,
            hidden,
            disposition: decisions.get(&c.id).cloned(),
            process_completed: completed,
        }
    }));
    rows.sort_by_key(|r| (r.submitted_at, r.subject_id));
    Ok(rows)
}

pub const HEADERS: [&str; 10] = [
    "Art",
    "Eingang",
    "Beitrag",
    "Verborgen",
    "Verfasser/in",
    "Organisation",
    "Status",
    "Abwägung",
    "Begründung",
    "Verweis",
];

/// The cells of one row, statuses in German.
pub fn cells(r: &DispositionRow) -> Vec<Cell> {
    vec![
        r.subject_kind.german().into(),
        Cell::DateTime(r.submitted_at.with_timezone(&chrono_tz::Europe::Berlin).naive_local()),
        r.text.clone().into(),
        // Moderated comments are marked for everyone; their text only coordinators read.
        if r.hidden { "ja" } else { "nein" }.into(),
        r.author_name.clone().into(),
        r.organization_name.clone().unwrap_or_default().into(),
        r.proposal_status.map(German::german).unwrap_or_default().into(),
        r.disposition
            .as_ref()
            .map(|d| d.decision.german())
            .unwrap_or(if r.process_completed { "nicht entschieden" } else { "offen" })
            .into(),
        r.disposition.as_ref().map(|d| d.reason.clone()).unwrap_or_default().into(),
        // The coordinator's link, else the change an accepted proposal made in the draft.
        r.disposition
            .as_ref()
            .and_then(|d| d.link.clone())
            .or_else(|| r.result_entity_id.map(|id| id.to_string()))
            .unwrap_or_default()
            .into(),
    ]
}

/// The table as it is downloaded (see [`crate::tables`]).
pub fn spreadsheet(rows: &[DispositionRow]) -> Table {
    Table { sheet: "Abwägung", headers: HEADERS.to_vec(), rows: rows.iter().map(cells).collect() }
}

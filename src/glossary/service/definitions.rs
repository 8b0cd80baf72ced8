//! Definitions of a term, their versions and the reviews that agree on them.

use super::*;
use crate::change::Change;

pub async fn propose_definition(
    state: &AppState,
    actor: &Actor,
    term_id: Uuid,
    data: DefinitionData,
) -> Result<definition::Model> {
    actor.require(Permission::Participate)?;
    let data = clean_definition(data)?;
    let now = state.now();
    let mut txn = Change::begin(&state.db, now).await?;
    let t = term_in(&txn, term_id).await?;
    if t.status == TermStatus::Deprecated {
        return Err(Error::validation("termId", "the term is deprecated"));
    }
    let d = insert_definition(&txn, now, actor, Uuid::now_v7(), t.id, data, DefinitionStatus::Proposed).await?;
    txn.audit(
        Some(actor.user_id),
        AuditEntry {
            action: "definition.propose",
            entity_type: "definition",
            entity_id: Some(d.id),
            summary: format!("Definition für „{}“ vorgeschlagen", t.label),
        },
    );
    txn.commit().await?;
    Ok(d)
}

/// The latest version row of a definition.
pub(super) async fn current_version<C: ConnectionTrait>(db: &C, d: &definition::Model) -> Result<version::Model> {
    version::Entity::find()
        .filter(version::Column::DefinitionId.eq(d.id))
        .filter(version::Column::Version.eq(d.version))
        .one(db)
        .await?
        .ok_or(Error::internal("definition without its current version"))
}

/// Whether an edit folds into the latest version (see the module docs).
pub fn folds(latest: &version::Model, author: Uuid, now: DateTime<Utc>, reviewed_since: bool) -> bool {
    latest.author_id == Some(author)
        && now - latest.updated_at <= Duration::minutes(FOLD_WINDOW_MINUTES)
        && now >= latest.updated_at
        && !reviewed_since
}

/// Writes a new text as the next version (or folds it); the caller checks permissions and versions.
pub async fn write_text<C: ConnectionTrait>(
    db: &C,
    now: DateTime<Utc>,
    actor: &Actor,
    d: definition::Model,
    text: String,
) -> Result<definition::Model> {
    let latest = current_version(db, &d).await?;
    let reviewed = review::Entity::find()
        .filter(review::Column::DefinitionId.eq(d.id))
        .filter(review::Column::Version.eq(d.version))
        .one(db)
        .await?
        .is_some();
    let next = d.version + 1;
    if folds(&latest, actor.user_id, now, reviewed) {
        let edits = latest.edits + 1;
        let mut row = latest.into_active_model();
        row.version = Set(next);
        row.text = Set(text.clone());
        row.edits = Set(edits);
        row.updated_at = Set(now);
        row.update(db).await?;
    } else {
        version::ActiveModel {
            id: Set(Uuid::now_v7()),
            definition_id: Set(d.id),
            version: Set(next),
            text: Set(text.clone()),
            author_id: Set(Some(actor.user_id)),
            edits: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(db)
        .await?;
    }
    // Conditional on the version read: of two concurrent edits from the same version only one lands.
    let written = definition::Entity::update_many()
        .col_expr(definition::Column::Text, text.clone().into())
        .col_expr(definition::Column::Version, next.into())
        .col_expr(definition::Column::UpdatedAt, now.into())
        .filter(definition::Column::Id.eq(d.id))
        .filter(definition::Column::Version.eq(d.version))
        .exec(db)
        .await?;
    if written.rows_affected != 1 {
        return Err(Error::conflict("the definition was changed meanwhile"));
    }
    Ok(definition::Model { text, version: next, updated_at: now, ..d })
}

pub async fn update_definition(
    state: &AppState,
    actor: &Actor,
    definition_id: Uuid,
    text: &str,
    expected_version: i32,
) -> Result<definition::Model> {
    actor.require(Permission::Participate)?;
    let text = TEXT.required("text", text)?;
    let now = state.now();
    let mut txn = Change::begin(&state.db, now).await?;
    let d = definition_locked(&txn, definition_id).await?;
    if d.version != expected_version {
        return Err(Error::Conflict {
            message: format!("the definition was changed meanwhile (now version {})", d.version),
            details: Some(serde_json::json!({ "currentVersion": d.version, "currentText": d.text })),
        });
    }
    if d.text == text {
        return Ok(d);
    }
    let was_agreed = d.status == DefinitionStatus::Agreed;
    let d = write_text(&txn, now, actor, d, text).await?;
    txn.audit(
        Some(actor.user_id),
        AuditEntry {
            action: "definition.update",
            entity_type: "definition",
            entity_id: Some(d.id),
            summary: format!(
                "Definition auf Version {} geändert{}",
                d.version,
                if was_agreed { "; vereinbarter Text, Prüfung neu eröffnet" } else { "" }
            ),
        },
    );
    let d = reevaluate(&txn, now, actor, d).await?;
    txn.commit().await?;
    Ok(d)
}

pub async fn review_definition(
    state: &AppState,
    actor: &Actor,
    definition_id: Uuid,
    decision: ReviewDecision,
    reason: Option<String>,
) -> Result<definition::Model> {
    actor.require(Permission::Participate)?;
    let reason = TEXT.optional("reason", reason.as_deref())?;
    if decision == ReviewDecision::Object && reason.is_none() {
        return Err(Error::validation("reason", "an objection needs a reason"));
    }
    let now = state.now();
    let mut txn = Change::begin(&state.db, now).await?;
    let d = definition_locked(&txn, definition_id).await?;
    let t = term_in(&txn, d.term_id).await?;
    if t.status == TermStatus::Deprecated {
        return Err(Error::validation("definitionId", "the term is deprecated"));
    }
    if decision == ReviewDecision::Approve {
        let authors: Vec<Option<Uuid>> = version::Entity::find()
            .filter(version::Column::DefinitionId.eq(d.id))
            .all(&txn)
            .await?
            .into_iter()
            .map(|v| v.author_id)
            .collect();
        if !rule::may_approve(actor.user_id, &authors) {
            return Err(Error::forbidden("nobody approves a text they wrote a revision of"));
        }
    }
    let existing = review::Entity::find()
        .filter(review::Column::DefinitionId.eq(d.id))
        .filter(review::Column::ReviewerId.eq(actor.user_id))
        .one(&txn)
        .await?;
    match existing {
        Some(r) => {
            let mut row = r.into_active_model();
            row.decision = Set(decision);
            row.reason = Set(reason);
            row.version = Set(d.version);
            row.updated_at = Set(now);
            row.update(&txn).await?;
        }
        None => {
            review::ActiveModel {
                id: Set(Uuid::now_v7()),
                definition_id: Set(d.id),
                reviewer_id: Set(actor.user_id),
                decision: Set(decision),
                reason: Set(reason),
                version: Set(d.version),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(&txn)
            .await?;
        }
    }
    txn.audit(
        Some(actor.user_id),
        AuditEntry {
            action: "definition.review",
            entity_type: "definition",
            entity_id: Some(d.id),
            summary: format!("Prüfung von Version {}: {decision:?}", d.version),
        },
    );
    let d = reevaluate(&txn, now, actor, d).await?;
    txn.commit().await?;
    Ok(d)
}

pub async fn withdraw_review(state: &AppState, actor: &Actor, definition_id: Uuid) -> Result<definition::Model> {
    actor.require(Permission::Participate)?;
    let now = state.now();
    let mut txn = Change::begin(&state.db, now).await?;
    let d = definition_locked(&txn, definition_id).await?;
    let gone = review::Entity::delete_many()
        .filter(review::Column::DefinitionId.eq(d.id))
        .filter(review::Column::ReviewerId.eq(actor.user_id))
        .exec(&txn)
        .await?;
    if gone.rows_affected == 0 {
        return Err(Error::NotFound("review"));
    }
    txn.audit(
        Some(actor.user_id),
        AuditEntry {
            action: "definition.review.withdraw",
            entity_type: "definition",
            entity_id: Some(d.id),
            summary: "Prüfung zurückgezogen".into(),
        },
    );
    let d = reevaluate(&txn, now, actor, d).await?;
    txn.commit().await?;
    Ok(d)
}

/// Sectors of each person's organisations now.
pub async fn sectors_of<C: ConnectionTrait>(db: &C, users: &[Uuid]) -> Result<HashMap<Uuid, Vec<Sector>>> {
    if users.is_empty() {
        return Ok(HashMap::new());
    }
    let memberships =
        membership::Entity::find().filter(membership::Column::UserId.is_in(users.iter().copied())).all(db).await?;
    let orgs: HashMap<Uuid, Sector> = organization::Entity::find()
        .filter(organization::Column::Id.is_in(memberships.iter().map(|m| m.organization_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o.sector))
        .collect();
    let mut out: HashMap<Uuid, Vec<Sector>> = HashMap::new();
    for m in memberships {
        if let Some(s) = orgs.get(&m.organization_id) {
            let list = out.entry(m.user_id).or_default();
            if !list.contains(s) {
                list.push(*s);
            }
        }
    }
    Ok(out)
}

/// What the rule says about a definition now.
pub async fn verdict<C: ConnectionTrait>(db: &C, now: DateTime<Utc>, d: &definition::Model) -> Result<Verdict> {
    let rule = rule_of(&glossary(db, now).await?);
    let reviews = review::Entity::find().filter(review::Column::DefinitionId.eq(d.id)).all(db).await?;
    let sectors = sectors_of(db, &reviews.iter().map(|r| r.reviewer_id).collect::<Vec<_>>()).await?;
    let facts: Vec<ReviewFact> = reviews
        .iter()
        .map(|r| ReviewFact {
            reviewer: r.reviewer_id,
            decision: r.decision,
            version: r.version,
            sectors: sectors.get(&r.reviewer_id).cloned().unwrap_or_default(),
        })
        .collect();
    Ok(rule.evaluate(d.version, &facts))
}

/// Applies the rule: agrees the term with this definition, or reopens it; audited when it changes.
pub(super) async fn reevaluate<C: ConnectionTrait>(
    db: &C,
    now: DateTime<Utc>,
    actor: &Actor,
    d: definition::Model,
) -> Result<definition::Model> {
    // The term is locked too: two definitions of one term agreed at once must not both stay AGREED.
    let t = term::Entity::find_by_id(d.term_id).lock_exclusive().one(db).await?.ok_or(Error::NotFound("term"))?;
    let v = verdict(db, now, &d).await?;
    let agreed = d.status == DefinitionStatus::Agreed;
    if v.agreed == agreed {
        return Ok(d);
    }
    let mut term_row = t.clone().into_active_model();
    let in_force =
        t.agreed_definition_id.map(|definition| rule::InForce { definition, version: t.agreed_version.unwrap_or(0) });
    let now_in_force = rule::in_force_after(in_force, d.id, d.version, v.agreed);
    if now_in_force != in_force
        && let Some(f) = now_in_force
    {
        // The term is agreed with the definition that met the rule last; an earlier one is a candidate again.
        if let Some(previous) = t.agreed_definition_id.filter(|p| *p != f.definition) {
            definition::Entity::update_many()
                .col_expr(definition::Column::Status, DefinitionStatus::Proposed.into())
                .filter(definition::Column::Id.eq(previous))
                .exec(db)
                .await?;
        }
        if t.status != TermStatus::Deprecated {
            term_row.status = Set(TermStatus::Agreed);
        }
        term_row.agreed_definition_id = Set(Some(f.definition));
        term_row.agreed_version = Set(Some(f.version));
    }
    let mut row = d.into_active_model();
    row.status = Set(if v.agreed { DefinitionStatus::Agreed } else { DefinitionStatus::Proposed });
    let d = row.update(db).await?;
    term_row.updated_at = Set(now);
    let t = term_row.update(db).await?;
    audit::record(
        db,
        now,
        Some(actor.user_id),
        AuditEntry {
            action: if v.agreed { "term.agree" } else { "term.reopen" },
            entity_type: "term",
            entity_id: Some(t.id),
            summary: if v.agreed {
                format!("Begriff „{}“ vereinbart mit Definition {} (Version {})", t.label, d.id, d.version)
            } else {
                match t.agreed_version.filter(|_| t.agreed_definition_id == Some(d.id)) {
                    Some(v) => format!(
                        "Begriff „{}“: Definition {} erneut in Prüfung; die vereinbarte Version {v} bleibt in Kraft",
                        t.label, d.id
                    ),
                    None => format!("Begriff „{}“: Definition {} erneut in Prüfung", t.label, d.id),
                }
            },
        },
    )
    .await?;
    Ok(d)
}

pub async fn version_of<C: ConnectionTrait>(db: &C, definition_id: Uuid, number: i32) -> Result<version::Model> {
    version::Entity::find()
        .filter(version::Column::DefinitionId.eq(definition_id))
        .filter(version::Column::Version.eq(number))
        .one(db)
        .await?
        .ok_or(Error::NotFound("version"))
}

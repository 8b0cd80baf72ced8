//! The one place that knows where an item lives in the web app: every mail, the calendar feed,
//! the in-app notification centre and "Meine Aufgaben" build their links here, so that no link
//! points at a route the frontend does not have (`frontend/src/App.tsx`).

use uuid::Uuid;

use super::mailer::SETTINGS_PATH;

/// A page of the web app, with what its route needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    Edition(Uuid),
    FieldOfAction {
        leitbild_id: Uuid,
        field_id: Uuid,
    },
    Goal {
        leitbild_id: Uuid,
        goal_id: Uuid,
    },
    Process(Uuid),
    /// A proposal is read in its process's page, scrolled to its card.
    Proposal {
        process_id: Uuid,
        proposal_id: Uuid,
    },
    Term(Uuid),
    Definition {
        term_id: Uuid,
        definition_id: Uuid,
    },
    Indicator(Uuid),
    Delivery(Uuid),
    /// The signed form a data owner opens from a reminder without signing in.
    DeliveryConfirm {
        delivery_id: Uuid,
        token: String,
    },
    Settings,
    /// The one-click unsubscribe page of a mail's recipient.
    Unsubscribe(String),
}

impl Place {
    /// The path inside the app, `/…`, as the router answers it.
    pub fn path(&self) -> String {
        match self {
            Place::Edition(id) => format!("/leitbild/{id}"),
            Place::FieldOfAction { leitbild_id, field_id } => {
                format!("/leitbild/{leitbild_id}#handlungsfeld-{field_id}")
            }
            Place::Goal { leitbild_id, goal_id } => format!("/leitbild/{leitbild_id}/ziele/{goal_id}"),
            Place::Process(id) => format!("/prozesse/{id}"),
            Place::Proposal { process_id, proposal_id } => format!("/prozesse/{process_id}#proposal-{proposal_id}"),
            Place::Term(id) => format!("/glossar/{id}"),
            Place::Definition { term_id, definition_id } => format!("/glossar/{term_id}#definition-{definition_id}"),
            Place::Indicator(id) => format!("/indikatoren/{id}"),
            Place::Delivery(id) => format!("/lieferungen/{id}"),
            Place::DeliveryConfirm { delivery_id, token } => {
                format!("/lieferungen/{delivery_id}/bestaetigen?token={token}")
            }
            Place::Settings => SETTINGS_PATH.to_string(),
            Place::Unsubscribe(token) => format!("{}/{token}", super::unsubscribe::PATH),
        }
    }
}

/// An absolute link for a mail or a feed: the configured public URL and the place's path.
pub fn url(public_url: &str, path: &str) -> String {
    format!("{}{path}", public_url.trim_end_matches('/'))
}

/// The path a stored link opens inside the app, for someone who is signed in: the public URL
/// taken off, and a signed confirm link turned into the delivery's own page (the signed-in
/// person needs no token, and a list in the app should not carry one).
pub fn in_app_path(public_url: &str, link: &str) -> Option<String> {
    let base = public_url.trim_end_matches('/');
    let path = link.strip_prefix(base).unwrap_or(link);
    if !path.starts_with('/') {
        return None;
    }
    if let Some(rest) = path.strip_prefix("/lieferungen/")
        && let Some((id, _)) = rest.split_once("/bestaetigen")
    {
        return Some(format!("/lieferungen/{id}"));
    }
    Some(path.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_place_has_a_path_the_router_answers() {
        let (a, b) = (Uuid::nil(), Uuid::max());
        let paths = [
            Place::Edition(a).path(),
            Place::FieldOfAction { leitbild_id: a, field_id: b }.path(),
            Place::Goal { leitbild_id: a, goal_id: b }.path(),
            Place::Process(a).path(),
            Place::Proposal { process_id: a, proposal_id: b }.path(),
            Place::Term(a).path(),
            Place::Definition { term_id: a, definition_id: b }.path(),
            Place::Indicator(a).path(),
            Place::Delivery(a).path(),
            Place::DeliveryConfirm { delivery_id: a, token: "t".into() }.path(),
            Place::Settings.path(),
            Place::Unsubscribe("t".into()).path(),
        ];
        // The first segments of `frontend/src/App.tsx`'s routes.
        let routes = ["leitbild", "prozesse", "glossar", "indikatoren", "lieferungen", "einstellungen", "abbestellen"];
        for p in paths {
            let first = p.trim_start_matches('/').split(['/', '#', '?']).next().unwrap_or_default();
            assert!(routes.contains(&first), "{p} leads nowhere");
        }
    }

    #[test]
    fn in_app_paths_drop_the_host_and_the_token() {
        let d = Uuid::nil();
        let base = "https://teilhabe.example/";
        assert_eq!(
            in_app_path(base, &format!("https://teilhabe.example/indikatoren/{d}")),
            Some(format!("/indikatoren/{d}"))
        );
        assert_eq!(
            in_app_path(base, &format!("https://teilhabe.example/lieferungen/{d}/bestaetigen?token=1.ab")),
            Some(format!("/lieferungen/{d}"))
        );
        assert_eq!(in_app_path(base, "https://elsewhere.example/x"), None);
        assert_eq!(url(base, "/glossar"), "https://teilhabe.example/glossar");
    }
}

//! Turning an outbox row into a MIME mail and handing it to SMTP, or to an .eml file without SMTP.
//!
//! Every mail says what it is: `Auto-Submitted: auto-generated` (RFC 3834, so that vacation
//! responders stay quiet), `List-Unsubscribe` with the person's one-click unsubscribe URL and
//! `List-Unsubscribe-Post` (RFC 2369, RFC 8058; the settings page where there is none), a
//! settings link in its body, a `From` with a display name and a `Message-ID` in the domain of
//! `TEILHABE_PUBLIC_URL` (RFC 5322 §3.6.4).

use std::{path::PathBuf, time::Duration};

use lettre::{
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
    message::{
        Mailbox, MultiPart, SinglePart,
        header::{ContentType, HeaderName, HeaderValue},
    },
    transport::smtp::PoolConfig,
};

use crate::{
    config::Config,
    error::{Error, Result},
};

/// One mail, ready to be formatted.
pub struct Outgoing {
    pub file_stem: String,
    pub message_id: String,
    pub from: String,
    /// (name, address)
    pub to: (String, String),
    pub cc: Vec<(String, String)>,
    pub subject: String,
    pub text: String,
    pub html: Option<String>,
    /// The recipient's one-click unsubscribe URL ([`super::unsubscribe`]); none for mails that
    /// ignore the mail mode (sign-in links).
    pub unsubscribe_url: Option<String>,
}

/// Why a send did not succeed: permanent errors (5xx, unusable addresses) are not retried.
#[derive(Debug)]
pub enum SendError {
    Permanent(String),
    Transient(String),
}

enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Files(PathBuf),
}

/// What every mail of this installation carries, from the configuration.
struct Sender {
    from_name: String,
    /// The host of the public URL: the domain of Message-IDs.
    host: String,
    /// The web app's page where a person sets how they are notified.
    settings_url: String,
}

pub struct Mailer {
    transport: Transport,
    sender: Sender,
}

/// The web app's route of a person's settings, notifications included (`frontend/src/App.tsx`).
pub const SETTINGS_PATH: &str = "/einstellungen";

/// The host of `public_url`, or `localhost` when it has none.
pub fn public_host(public_url: &str) -> String {
    url::Url::parse(public_url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_else(|| "localhost".into())
}

/// The Message-ID a stored one is sent (and shown) as: its own left part, the configured
/// public host as domain. Outbox rows are written without the configuration at hand, under a
/// placeholder domain; the mapping is fixed, so a retry keeps its Message-ID.
pub fn message_id_at(stored: &str, host: &str) -> String {
    let left = stored.trim_start_matches('<').split('@').next().unwrap_or(stored);
    format!("<{left}@{host}>")
}

impl Mailer {
    pub fn from_config(config: &Config) -> Result<Self> {
        let transport = match &config.smtp_url {
            Some(url) => {
                // Pooled: the connections of a pass are reused from mail to mail (no TCP and
                // EHLO per mail), one per mail in flight.
                let pool = PoolConfig::new()
                    .max_size(crate::notifications::service::SENDING_AT_ONCE as u32)
                    .idle_timeout(Duration::from_secs(30));
                let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| Error::config("TEILHABE_SMTP_URL", e.to_string()))?
                    .timeout(Some(config.smtp_timeout))
                    .pool_config(pool)
                    .build();
                Transport::Smtp(transport)
            }
            None => Transport::Files(config.mail_dir.clone()),
        };
        let sender = Sender {
            from_name: config.mail_from_name.clone(),
            host: public_host(&config.public_url),
            settings_url: super::links::url(&config.public_url, &super::links::Place::Settings.path()),
        };
        Ok(Self { transport, sender })
    }

    /// Where mails go, for the start-up log: the SMTP host or the .eml directory (never a password).
    pub fn describe(config: &Config) -> String {
        match &config.smtp_url {
            Some(url) => match url::Url::parse(url) {
                Ok(u) => format!("smtp {}:{}", u.host_str().unwrap_or("?"), u.port().unwrap_or(25)),
                Err(_) => "smtp (unparsable URL)".into(),
            },
            None => format!("eml files in {}", config.mail_dir.display()),
        }
    }

    /// Sends `mail`. The whole exchange is bounded by `limit`: lettre's own timeout does not
    /// cover a server that stalls after the message data.
    pub async fn send(&self, mail: Outgoing, limit: Duration) -> Result<(), SendError> {
        let file_stem = mail.file_stem.clone();
        let message = build(mail, &self.sender)?;
        match &self.transport {
            Transport::Smtp(transport) => match tokio::time::timeout(limit, transport.send(message)).await {
                Err(_) => Err(SendError::Transient(format!("SMTP did not answer within {limit:?}"))),
                Ok(Ok(_)) => Ok(()),
                Ok(Err(e)) if e.is_permanent() => Err(SendError::Permanent(e.to_string())),
                // Refused connections, 4xx, TLS and timeouts: all worth another try.
                Ok(Err(e)) => Err(SendError::Transient(e.to_string())),
            },
            Transport::Files(dir) => write_eml(dir, &file_stem, &message.formatted()).await,
        }
    }
}

/// Writes atomically under a name fixed per notification, so a repeated attempt replaces the
/// file instead of adding a second mail.
async fn write_eml(dir: &std::path::Path, stem: &str, bytes: &[u8]) -> Result<(), SendError> {
    let io = |e: std::io::Error| SendError::Transient(format!("{}: {e}", dir.display()));
    tokio::fs::create_dir_all(dir).await.map_err(io)?;
    let tmp = dir.join(format!(".{stem}.eml.tmp"));
    tokio::fs::write(&tmp, bytes).await.map_err(io)?;
    tokio::fs::rename(&tmp, dir.join(format!("{stem}.eml"))).await.map_err(io)
}

/// The text of a German mail: greeting, lines, and one link as `<link text>: <url>`.
pub fn compose(greeting: &str, lines: &[String], link_text: &str, url: &str) -> String {
    let mut text = format!("{greeting}\n\n");
    for l in lines {
        text.push_str(l);
        text.push('\n');
    }
    text.push_str(&format!("\n{link_text}: {url}\n\n{SIGNATURE}\n"));
    text
}

const SIGNATURE: &str = "-- \nteilhabe · Integrationsmonitoring";

/// Escapes text for HTML mail, in element content and quoted attributes alike.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    // Writing to a String cannot fail.
    let _ = pulldown_cmark_escape::escape_html(&mut out, s);
    out
}

const SETTINGS_TEXT: &str = "Benachrichtigungen einstellen";

/// The HTML part of a mail written by [`compose`]: a paragraph per line, the line that ends in
/// `: <link>` (the notification's own link) as a link, the signature below its separator. Made
/// when the mail is sent, so that the outbox stores each message once. Only that one link is
/// made: a URL in quoted text (a comment, a return reason) stays text and cannot pose as it.
pub fn html_of(text: &str, link: Option<&str>) -> String {
    let (body, signature) = match text.rsplit_once("\n-- \n") {
        Some((body, signature)) => (body, Some(signature.trim_end())),
        None => (text, None),
    };
    let link = link.filter(|url| url.starts_with("https://") || url.starts_with("http://"));
    let mut html = String::with_capacity(text.len() * 5 / 4 + 64);
    for line in body.lines().map(str::trim_end).filter(|l| !l.is_empty()) {
        let label = link.and_then(|url| Some((line.strip_suffix(url)?.strip_suffix(": ")?, url)));
        match label {
            Some((label, url)) => html.push_str(&format!("<p><a href=\"{}\">{}</a></p>", escape(url), escape(label))),
            None => html.push_str(&format!("<p>{}</p>", escape(line))),
        }
    }
    if let Some(signature) = signature {
        let lines: Vec<String> = signature.lines().map(escape).collect();
        html.push_str(&format!("<p>-- <br>{}</p>", lines.join("<br>")));
    }
    html
}

fn mailbox(name: &str, address: &str) -> Result<Mailbox, SendError> {
    let address = address.parse().map_err(|e| SendError::Permanent(format!("address {address:?}: {e}")))?;
    Ok(Mailbox::new(Some(name.to_string()), address))
}

/// A header lettre has no type for.
fn raw(name: &'static str, value: String) -> HeaderValue {
    HeaderValue::new(HeaderName::new_from_ascii_str(name), value)
}

fn build(mail: Outgoing, sender: &Sender) -> Result<Message, SendError> {
    let mut from: Mailbox =
        mail.from.parse().map_err(|e| SendError::Permanent(format!("TEILHABE_MAIL_FROM {:?}: {e}", mail.from)))?;
    if from.name.is_none() {
        from.name = Some(sender.from_name.clone());
    }
    let mut builder = Message::builder()
        .from(from)
        .to(mailbox(&mail.to.0, &mail.to.1)?)
        .subject(mail.subject)
        .message_id(Some(message_id_at(&mail.message_id, &sender.host)));
    for (name, address) in &mail.cc {
        builder = builder.cc(mailbox(name, address)?);
    }
    builder = builder.raw_header(raw("Auto-Submitted", "auto-generated".into())).raw_header(raw(
        "List-Unsubscribe",
        format!("<{}>", mail.unsubscribe_url.as_deref().unwrap_or(&sender.settings_url)),
    ));
    if mail.unsubscribe_url.is_some() {
        // RFC 8058 §3.1: the receiver may POST this body to the URL above, without cookies.
        builder = builder.raw_header(raw("List-Unsubscribe-Post", "List-Unsubscribe=One-Click".into()));
    }
    let settings = &sender.settings_url;
    let text = format!("{}\n{SETTINGS_TEXT}: {settings}\n", mail.text.trim_end());
    let built = match mail.html {
        Some(html) => {
            let html =
                format!("{html}<p style=\"font-size:small\"><a href=\"{}\">{SETTINGS_TEXT}</a></p>", escape(settings));
            builder.multipart(MultiPart::alternative_plain_html(text, html))
        }
        None => builder.singlepart(SinglePart::builder().header(ContentType::TEXT_PLAIN).body(text)),
    };
    built.map_err(|e| SendError::Permanent(format!("message: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mail() -> Outgoing {
        Outgoing {
            file_stem: "abc".into(),
            message_id: "<abc@teilhabe>".into(),
            from: "teilhabe@stadt.example".into(),
            to: ("Anna Müller".into(), "anna@stadt.example".into()),
            cc: vec![("Koordination".into(), "koordination@stadt.example".into())],
            subject: "Datenlieferung fällig".into(),
            text: "Bitte liefern Sie die Daten.".into(),
            html: Some("<p>Bitte liefern Sie die Daten.</p>".into()),
            unsubscribe_url: Some("https://stadt.example/abbestellen/t".into()),
        }
    }

    fn sender() -> Sender {
        Sender {
            from_name: "teilhabe".into(),
            host: "stadt.example".into(),
            settings_url: "https://stadt.example/einstellungen".into(),
        }
    }

    #[test]
    fn mails_carry_both_parts_the_copy_and_the_fixed_message_id() {
        let raw = String::from_utf8(build(mail(), &sender()).unwrap().formatted()).unwrap();
        assert!(raw.contains("Message-ID: <abc@stadt.example>"), "{raw}");
        assert!(raw.contains("multipart/alternative"));
        assert!(raw.contains("text/plain") && raw.contains("text/html"));
        assert!(raw.contains("koordination@stadt.example"));
    }

    #[test]
    fn the_html_part_follows_the_text() {
        let url = "https://stadt.example/l?token=1&x=<2>";
        let lines = vec![
            "die Lieferung „A & B“ ist am 01.03.2026 fällig.".to_string(),
            "Begründung: Lieferung bestätigen: https://evil.example".to_string(),
            "-- ".to_string(),
        ];
        let text = compose("Guten Tag,", &lines, "Lieferung bestätigen", url);
        assert_eq!(
            html_of(&text, Some(url)),
            "<p>Guten Tag,</p><p>die Lieferung „A &amp; B“ ist am 01.03.2026 fällig.</p>\
             <p>Begründung: Lieferung bestätigen: https://evil.example</p><p>--</p>\
             <p><a href=\"https://stadt.example/l?token=1&amp;x=&lt;2&gt;\">Lieferung bestätigen</a></p>\
             <p>-- <br>teilhabe · Integrationsmonitoring</p>"
        );
        // Without a link, or with one that is not http(s), nothing becomes a link.
        assert_eq!(html_of("Siehe: https://a.example", None), "<p>Siehe: https://a.example</p>");
        assert_eq!(
            html_of("Siehe: javascript:alert(1)", Some("javascript:alert(1)")),
            "<p>Siehe: javascript:alert(1)</p>"
        );
    }

    #[test]
    fn one_click_unsubscribe_is_offered_where_the_mail_follows_the_mail_mode() {
        let raw = String::from_utf8(build(mail(), &sender()).unwrap().formatted()).unwrap();
        assert!(raw.contains("List-Unsubscribe: <https://stadt.example/abbestellen/t>\r\n"), "{raw}");
        assert!(raw.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"), "{raw}");
        let mut sign_in = mail();
        sign_in.unsubscribe_url = None;
        let raw = String::from_utf8(build(sign_in, &sender()).unwrap().formatted()).unwrap();
        assert!(raw.contains("List-Unsubscribe: <https://stadt.example/einstellungen>"), "{raw}");
        assert!(!raw.contains("List-Unsubscribe-Post"), "RFC 8058 §3.2: only with a one-click URL");
    }

    #[test]
    fn an_unusable_address_is_permanent() {
        let mut m = mail();
        m.to.1 = "kein-postfach".into();
        assert!(matches!(build(m, &sender()), Err(SendError::Permanent(_))));
    }
}

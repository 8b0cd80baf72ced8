//! Turning an outbox row into a MIME mail and handing it to SMTP, or to an .eml file without SMTP.

use std::{path::PathBuf, time::Duration};

use lettre::{
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
    message::{Mailbox, MultiPart, SinglePart, header::ContentType},
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
}

/// Why a send did not succeed: permanent errors (5xx, unusable addresses) are not retried.
#[derive(Debug)]
pub enum SendError {
    Permanent(String),
    Transient(String),
}

pub enum Mailer {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Files(PathBuf),
}

impl Mailer {
    pub fn from_config(config: &Config) -> Result<Self> {
        match &config.smtp_url {
            Some(url) => {
                let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| Error::config("TEILHABE_SMTP_URL", e.to_string()))?
                    .timeout(Some(config.smtp_timeout))
                    .build();
                Ok(Self::Smtp(transport))
            }
            None => Ok(Self::Files(config.mail_dir.clone())),
        }
    }

    /// Sends `mail`. The whole exchange is bounded by `limit`: lettre's own timeout does not
    /// cover a server that stalls after the message data.
    pub async fn send(&self, mail: Outgoing, limit: Duration) -> Result<(), SendError> {
        let file_stem = mail.file_stem.clone();
        let message = build(mail)?;
        match self {
            Self::Smtp(transport) => match tokio::time::timeout(limit, transport.send(message)).await {
                Err(_) => Err(SendError::Transient(format!("SMTP did not answer within {limit:?}"))),
                Ok(Ok(_)) => Ok(()),
                Ok(Err(e)) if e.is_permanent() => Err(SendError::Permanent(e.to_string())),
                // Refused connections, 4xx, TLS and timeouts: all worth another try.
                Ok(Err(e)) => Err(SendError::Transient(e.to_string())),
            },
            Self::Files(dir) => write_eml(dir, &file_stem, &message.formatted()).await,
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

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

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

fn build(mail: Outgoing) -> Result<Message, SendError> {
    let from: Mailbox =
        mail.from.parse().map_err(|e| SendError::Permanent(format!("TEILHABE_MAIL_FROM {:?}: {e}", mail.from)))?;
    let mut builder = Message::builder()
        .from(from)
        .to(mailbox(&mail.to.0, &mail.to.1)?)
        .subject(mail.subject)
        .message_id(Some(mail.message_id));
    for (name, address) in &mail.cc {
        builder = builder.cc(mailbox(name, address)?);
    }
    let built = match mail.html {
        Some(html) => builder.multipart(MultiPart::alternative_plain_html(mail.text, html)),
        None => builder.singlepart(SinglePart::builder().header(ContentType::TEXT_PLAIN).body(mail.text)),
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
        }
    }

    #[test]
    fn mails_carry_both_parts_the_copy_and_the_fixed_message_id() {
        let raw = String::from_utf8(build(mail()).unwrap().formatted()).unwrap();
        assert!(raw.contains("Message-ID: <abc@teilhabe>"), "{raw}");
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
    fn an_unusable_address_is_permanent() {
        let mut m = mail();
        m.to.1 = "kein-postfach".into();
        assert!(matches!(build(m), Err(SendError::Permanent(_))));
    }
}

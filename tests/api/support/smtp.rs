//! A tiny SMTP server on loopback that stores every message it accepts; tests read them back.

use std::sync::{Arc, Mutex};

use tokio::{
    io::{AsyncBufReadExt, AsyncWriteExt, BufReader},
    net::TcpListener,
    task::JoinHandle,
};

pub struct SmtpSink {
    pub port: u16,
    messages: Arc<Mutex<Vec<String>>>,
    task: JoinHandle<()>,
}

/// A loopback port that nothing listens on (for "SMTP is down"); bound and released at once.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

impl SmtpSink {
    pub async fn start() -> Self {
        Self::start_on(0).await
    }

    /// Listens on `port` (0: any). Recipients containing "reject" get a permanent 550; for
    /// recipients containing "stall" the message is stored but the final reply never comes.
    pub async fn start_on(port: u16) -> Self {
        let listener = TcpListener::bind(("127.0.0.1", port)).await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let messages = Arc::new(Mutex::new(Vec::new()));
        let store = messages.clone();
        let task = tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let store = store.clone();
                tokio::spawn(async move {
                    let _ = session(socket, store).await;
                });
            }
        });
        Self { port, messages, task }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Every accepted message with encoded words and part bodies decoded, for reading.
    pub fn messages(&self) -> Vec<String> {
        self.messages.lock().unwrap().iter().map(|m| decode(m)).collect()
    }

    /// The Message-ID header of every accepted message, in arrival order.
    pub fn message_ids(&self) -> Vec<String> {
        self.messages().iter().map(|m| header(m, "Message-ID").unwrap_or_default()).collect()
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.task.abort();
    }
}

pub fn header(message: &str, name: &str) -> Option<String> {
    let prefix = format!("{}:", name.to_ascii_lowercase());
    message
        .lines()
        .take_while(|l| !l.is_empty())
        .find(|l| l.to_ascii_lowercase().starts_with(&prefix))
        .map(|l| l[prefix.len()..].trim().to_string())
}

async fn session(socket: tokio::net::TcpStream, store: Arc<Mutex<Vec<String>>>) -> std::io::Result<()> {
    let (read, mut write) = socket.into_split();
    let mut lines = BufReader::new(read).lines();
    write.write_all(b"220 sink ESMTP\r\n").await?;
    let mut rejected = false;
    let mut stall = false;
    while let Some(line) = lines.next_line().await? {
        let upper = line.to_ascii_uppercase();
        let reply: &[u8] = if upper.starts_with("EHLO") || upper.starts_with("HELO") {
            b"250-sink\r\n250 8BITMIME\r\n"
        } else if upper.starts_with("MAIL FROM") {
            rejected = false;
            b"250 OK\r\n"
        } else if upper.starts_with("RCPT TO") {
            stall |= upper.contains("STALL");
            if upper.contains("REJECT") {
                rejected = true;
                b"550 5.1.1 no such mailbox\r\n"
            } else {
                b"250 OK\r\n"
            }
        } else if upper == "DATA" {
            if rejected {
                b"554 5.5.1 no valid recipients\r\n"
            } else {
                write.write_all(b"354 go ahead\r\n").await?;
                let mut body = String::new();
                while let Some(l) = lines.next_line().await? {
                    if l == "." {
                        break;
                    }
                    body.push_str(l.strip_prefix('.').unwrap_or(&l));
                    body.push('\n');
                }
                store.lock().unwrap().push(body);
                if stall {
                    // Like a server that hangs after the data: the sender cannot know it arrived.
                    std::future::pending::<()>().await;
                }
                b"250 OK queued\r\n"
            }
        } else if upper == "QUIT" {
            write.write_all(b"221 bye\r\n").await?;
            return Ok(());
        } else {
            b"250 OK\r\n"
        };
        write.write_all(reply).await?;
    }
    Ok(())
}

/// Decodes RFC 2047 words in headers and quoted-printable or base64 part bodies.
pub fn decode(raw: &str) -> String {
    use base64::Engine;
    let mut out = String::new();
    let mut encoding: Option<String> = None;
    let mut in_body = false;
    let mut block = String::new();
    let flush = |block: &mut String, encoding: &Option<String>, out: &mut String| {
        if block.is_empty() {
            return;
        }
        match encoding.as_deref() {
            Some("base64") => {
                let joined: String = block.lines().collect();
                match base64::engine::general_purpose::STANDARD.decode(joined.trim()) {
                    Ok(bytes) => out.push_str(&String::from_utf8_lossy(&bytes)),
                    Err(_) => out.push_str(block),
                }
                out.push('\n');
            }
            Some("quoted-printable") => out.push_str(&quoted_printable(block)),
            _ => out.push_str(block),
        }
        block.clear();
    };
    for line in raw.lines() {
        if line.starts_with("--") {
            flush(&mut block, &encoding, &mut out);
            in_body = false;
            encoding = None;
            out.push_str(line);
            out.push('\n');
            continue;
        }
        if !in_body {
            let lower = line.to_ascii_lowercase();
            if let Some(e) = lower.strip_prefix("content-transfer-encoding:") {
                encoding = Some(e.trim().to_string());
            }
            if line.is_empty() {
                in_body = true;
            }
            out.push_str(&encoded_words(line));
            out.push('\n');
        } else {
            block.push_str(line);
            block.push('\n');
        }
    }
    flush(&mut block, &encoding, &mut out);
    out
}

fn quoted_printable(text: &str) -> String {
    let joined = text.replace("=\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'='
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(&joined[i + 1..i + 3], 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).to_string()
}

fn encoded_words(line: &str) -> String {
    use base64::Engine;
    let mut out = String::new();
    let mut rest = line;
    while let Some(start) = rest.find("=?") {
        out.push_str(&rest[..start]);
        let word = &rest[start + 2..];
        let parts: Vec<&str> = word.splitn(3, '?').collect();
        if parts.len() == 3
            && let Some(end) = parts[2].find("?=")
        {
            let payload = &parts[2][..end];
            let decoded = if parts[1].eq_ignore_ascii_case("b") {
                base64::engine::general_purpose::STANDARD
                    .decode(payload)
                    .map(|b| String::from_utf8_lossy(&b).to_string())
                    .unwrap_or_else(|_| payload.to_string())
            } else {
                quoted_printable(&payload.replace('_', " "))
            };
            out.push_str(&decoded);
            let consumed = start + 2 + parts[0].len() + 1 + parts[1].len() + 1 + end + 2;
            rest = rest[consumed..].trim_start_matches(' ');
            continue;
        }
        out.push_str("=?");
        rest = &rest[start + 2..];
    }
    out.push_str(rest);
    out
}

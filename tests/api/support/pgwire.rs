//! A relay in front of the test cluster that sorts a client's round trips to PostgreSQL by what
//! they carry: each ends with a Sync (extended protocol) or is a simple Query, and waits for the
//! server's ReadyForQuery.

use std::sync::{Arc, Mutex};

use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpListener, TcpStream},
};

/// SSLRequest and GSSENCRequest: untyped like the startup message that follows them.
const PRE_STARTUP: [u32; 2] = [80_877_103, 80_877_104];

/// Round trips so far, by kind.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct RoundTrips {
    /// Running a statement: an Execute before its Sync, or a simple Query.
    pub executing: u64,
    /// Preparing a statement that is not cached on its connection yet (Parse, no Execute).
    pub preparing: u64,
    /// A Sync with nothing before it: a ping.
    pub empty: u64,
}

pub struct Relay {
    pub port: u16,
    trips: Arc<Mutex<RoundTrips>>,
    queries: Arc<Mutex<Vec<String>>>,
    per_connection: Arc<Mutex<Vec<u64>>>,
}

impl Relay {
    /// Listens on a free port and relays every connection to `upstream` on 127.0.0.1.
    pub async fn start(upstream: u16) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let (trips, queries, per_connection) = (Arc::default(), Arc::default(), Arc::default());
        let seen = Seen {
            trips: Arc::clone(&trips),
            queries: Arc::clone(&queries),
            per_connection: Arc::clone(&per_connection),
            connection: 0,
        };
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let server = TcpStream::connect(("127.0.0.1", upstream)).await.unwrap();
                // Each message is written on its own: without this, Nagle holds the ones after
                // the first until PostgreSQL's delayed ACK.
                client.set_nodelay(true).unwrap();
                server.set_nodelay(true).unwrap();
                let mut seen = seen.clone();
                seen.connection = {
                    let mut per_connection = seen.per_connection.lock().unwrap();
                    per_connection.push(0);
                    per_connection.len() - 1
                };
                tokio::spawn(relay(client, server, seen));
            }
        });
        Self { port, trips, queries, per_connection }
    }

    /// The round trips that ran a statement, per connection in the order they were opened.
    pub fn executing_per_connection(&self) -> Vec<u64> {
        self.per_connection.lock().unwrap().clone()
    }

    pub fn round_trips(&self) -> RoundTrips {
        *self.trips.lock().unwrap()
    }

    /// The simple queries (not prepared statements) relayed so far, such as BEGIN.
    pub fn simple_queries(&self) -> Vec<String> {
        self.queries.lock().unwrap().clone()
    }
}

#[derive(Clone)]
struct Seen {
    trips: Arc<Mutex<RoundTrips>>,
    queries: Arc<Mutex<Vec<String>>>,
    per_connection: Arc<Mutex<Vec<u64>>>,
    /// This relay connection's place in `per_connection`.
    connection: usize,
}

impl Seen {
    fn executed(&self) {
        self.trips.lock().unwrap().executing += 1;
        self.per_connection.lock().unwrap()[self.connection] += 1;
    }
}

async fn relay(client: TcpStream, server: TcpStream, seen: Seen) {
    let (mut from_client, mut to_client) = client.into_split();
    let (mut from_server, mut to_server) = server.into_split();
    tokio::spawn(async move { tokio::io::copy(&mut from_server, &mut to_client).await });
    let mut started = false;
    // The kinds of the messages since the last Sync.
    let mut pending = Vec::new();
    loop {
        // Before the startup message a message has no type byte, after it one.
        let mut head = [0u8; 5];
        let head = if started { &mut head[..] } else { &mut head[1..] };
        if from_client.read_exact(head).await.is_err() {
            return;
        }
        let len = u32::from_be_bytes(head[head.len() - 4..].try_into().unwrap()) as usize;
        let mut message = head.to_vec();
        message.resize(head.len() + len - 4, 0);
        if from_client.read_exact(&mut message[head.len()..]).await.is_err() {
            return;
        }
        if !started {
            let code = u32::from_be_bytes(message[4..8].try_into().unwrap());
            started = !PRE_STARTUP.contains(&code);
        } else {
            match message[0] {
                b'S' => {
                    match (pending.contains(&b'E'), pending.contains(&b'P')) {
                        (true, _) => seen.executed(),
                        (false, true) => seen.trips.lock().unwrap().preparing += 1,
                        (false, false) => seen.trips.lock().unwrap().empty += 1,
                    }
                    pending.clear();
                }
                b'Q' => {
                    seen.executed();
                    let text = String::from_utf8_lossy(&message[5..]).trim_end_matches('\0').to_string();
                    seen.queries.lock().unwrap().push(text);
                }
                kind => pending.push(kind),
            }
        }
        if to_server.write_all(&message).await.is_err() {
            return;
        }
    }
}

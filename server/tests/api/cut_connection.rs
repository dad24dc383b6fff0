//! The server commits a batch and the connection is cut before the answer reaches the phone.
//!
//! A small proxy in the test forwards the phone's request to the real server, reads the whole
//! answer, and closes the phone's connection without passing it on.

use fieldbook_model::outbox::{self, EntryState, OutboxEntry};
use fieldbook_model::sync::judge_ops_reply;
use fieldbook_model::{
    OpKind, Operation, OpsResponse, Outcome, PushVerdict, RejectCode, StatusNode,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;
use uuid::Uuid;

use crate::harness::{TestServer, my_orders};

/// Read one HTTP/1.1 message (head and a Content-Length body) from `stream`.
async fn read_message(stream: &mut TcpStream) -> Vec<u8> {
    let mut bytes = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(end) = bytes.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&bytes[..end]).to_ascii_lowercase();
            let length: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .map(|v| v.trim().parse().unwrap())
                .expect("the test's messages carry a Content-Length");
            if bytes.len() >= end + 4 + length {
                return bytes;
            }
        }
        let n = stream.read(&mut chunk).await.unwrap();
        assert!(n > 0, "the connection closed mid-message");
        bytes.extend_from_slice(&chunk[..n]);
    }
}

/// A proxy for one connection: the request goes to `server`, the answer comes back to the test
/// (through the handle) and never to the client, whose connection is closed.
async fn answer_eating_proxy(server: &str) -> (String, JoinHandle<Vec<u8>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let upstream = server.trim_start_matches("http://").to_string();
    let task = tokio::spawn(async move {
        let (mut client, _) = listener.accept().await.unwrap();
        // Only one connection: a client retrying would find nobody listening.
        drop(listener);
        let request = read_message(&mut client).await;
        let mut server = TcpStream::connect(&upstream).await.unwrap();
        server.write_all(&request).await.unwrap();
        let answer = read_message(&mut server).await;
        drop(client);
        answer
    });
    (base, task)
}

fn body_of(message: &[u8]) -> (&str, &str) {
    let text = std::str::from_utf8(message).unwrap();
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    (head, body)
}

#[tokio::test]
async fn a_batch_whose_answer_is_cut_is_answered_the_same_on_resend() {
    let server = TestServer::with_demo().await;
    let e1 = server.signed_in("engineer1").await;
    let order = my_orders(&server, &e1).await[0].id;
    let mut entries: Vec<OutboxEntry> = [
        StatusNode::Departed,
        StatusNode::RepairedLeft, // not allowed after Departed: refused
        StatusNode::Arrived,
    ]
    .into_iter()
    .enumerate()
    .map(|(n, node)| {
        let mut entry = OutboxEntry::queued(Operation {
            id: Uuid::new_v4(),
            user: "engineer1".into(),
            device_id: Uuid::from_u128(1),
            device_time: chrono::Utc::now(),
            kind: OpKind::SetStatus {
                work_order_id: order,
                node,
            },
        });
        entry.seq = Some(n as u32 + 1);
        entry
    })
    .collect();
    let batch = outbox::next_batch(&entries, 10);
    let sent = outbox::batch_ids(&batch);
    let request = outbox::batch_request(&batch, chrono::Utc::now());

    let (proxy, seen) = answer_eating_proxy(&server.base).await;
    let cut = e1
        .post(format!("{proxy}/api/ops"))
        .json(&request)
        .send()
        .await;
    assert!(cut.is_err(), "the client gets no answer: {cut:?}");
    outbox::mark_tried(&mut entries, &sent, chrono::Utc::now());
    let seen = seen.await.unwrap();
    let (head, body) = body_of(&seen);
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    let first: OpsResponse = serde_json::from_str(body).unwrap();
    let outcomes: Vec<_> = first.results.iter().map(|r| (r.outcome, r.code)).collect();
    assert_eq!(
        outcomes,
        vec![
            (Outcome::Applied, None),
            (Outcome::Rejected, Some(RejectCode::InvalidTransition)),
            (Outcome::Applied, None),
        ],
        "the server committed the batch"
    );
    assert_eq!(entries.len(), 3, "the phone still holds the whole batch");

    // The phone sends the same batch again, straight to the server.
    let r = e1
        .post(server.url("/api/ops"))
        .json(&request)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    let content_type = r
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string());
    let again_body = r.text().await.unwrap();
    let PushVerdict::Results(again) =
        judge_ops_reply(status, content_type.as_deref(), &again_body, &sent)
    else {
        panic!("not the server's answer: {again_body}");
    };
    // The same answer as the first time, with applied now duplicate.
    let expected: Vec<_> = first
        .results
        .iter()
        .cloned()
        .map(|mut r| {
            if r.outcome == Outcome::Applied {
                r.outcome = Outcome::Duplicate;
            }
            r
        })
        .collect();
    assert_eq!(again, expected);

    let settled = outbox::settle(&mut entries, &again);
    assert_eq!(settled.sent.len(), 2);
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].state, EntryState::Rejected);
    assert_eq!(entries[0].op.id, sent[1]);

    let office = server.signed_in("dispatcher1").await;
    let wo = server.work_order(&office, order).await;
    let history: Vec<Uuid> = wo.history.iter().map(|e| e.op_id).collect();
    assert_eq!(history, vec![sent[0], sent[2]], "each node once, in order");
    assert_eq!(wo.status, StatusNode::Arrived);
}

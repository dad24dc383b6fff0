//! The uploader: drains the outbox to the server, then pulls what changed.
//!
//! It runs on start, on `online`, when the app becomes visible, on a timer, after every new entry,
//! and when the service worker relays a Background Sync. One run at a time; a trigger during a run
//! makes it go round once more. `navigator.onLine` is only a hint: every run simply tries, and a
//! failed contact is normal and retried with jittered backoff.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use chrono::{DateTime, Utc};
use fieldbook_model::{OpKind, Operation, PushVerdict, UserProfile, sync};
use gloo::events::EventListener;
use gloo::timers::callback::{Interval, Timeout};
use leptos::prelude::*;
// The engine runs beside Leptos, from before the app mounts.
use uuid::Uuid;
use wasm_bindgen_futures::spawn_local;

use crate::api::{self, ApiFail};
use crate::db::{Db, DbError, OutboxCounts};

/// Operations per `POST /api/ops`.
const BATCH: usize = 100;
/// Pull (and retry anything left) this often while the app is open.
const TICK_MS: u32 = 30_000;
/// Photo confirmations noted on the device in one transaction. One read-write transaction per
/// photo cost a sixth of the upload's throughput; a confirmation lost to a crash before it is
/// noted only means the photo is sent again, and the server answers "already stored".
const NOTE_EVERY: usize = 10;

/// What the screens show about syncing. Plain signals: cheap to copy into any component.
#[derive(Clone, Copy)]
pub struct SyncState {
    pub counts: RwSignal<OutboxCounts>,
    /// Whether `counts` were read from the outbox yet: until then the badge says "checking",
    /// never "all sent".
    pub counted: RwSignal<bool>,
    pub sending: RwSignal<bool>,
    /// The server said the session is gone; the queue waits for a new sign-in.
    pub needs_sign_in: RwSignal<bool>,
    /// Whether the last contact with the server worked (None before the first try).
    pub reachable: RwSignal<Option<bool>>,
    pub last_synced: RwSignal<Option<DateTime<Utc>>>,
    /// Which stores changed, so a page reads IndexedDB again only when its own data did.
    pub changed: Changed,
    /// The photo whose bytes are on their way now, and the whole percent of them sent.
    pub upload: RwSignal<Option<(Uuid, u8)>>,
    /// How far this device's clock is ahead of the server's, in ms, at the last pull.
    pub clock_ahead_ms: RwSignal<i64>,
}

/// The sync badge's states.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Badge {
    /// The outbox was not counted yet (a page load): neither "all sent" nor "saved here".
    Checking,
    SavedHere,
    Sending,
    AllSent,
    Attention,
}

impl Default for SyncState {
    fn default() -> Self {
        Self::new()
    }
}

impl SyncState {
    pub fn new() -> Self {
        SyncState {
            counts: RwSignal::new(OutboxCounts::default()),
            counted: RwSignal::new(false),
            sending: RwSignal::new(false),
            needs_sign_in: RwSignal::new(false),
            reachable: RwSignal::new(None),
            last_synced: RwSignal::new(None),
            changed: Changed::new(),
            upload: RwSignal::new(None),
            clock_ahead_ms: RwSignal::new(0),
        }
    }

    /// The outbox's counts as just read: the badge tells from now on.
    pub fn set_counts(&self, counts: OutboxCounts) {
        self.counts.set(counts);
        self.counted.set(true);
    }

    pub fn badge(&self) -> Badge {
        if !self.counted.get() && !self.needs_sign_in.get() {
            return Badge::Checking;
        }
        let counts = self.counts.get();
        let unsent = counts.queued + counts.photos;
        if self.needs_sign_in.get() || counts.rejected > 0 || counts.photos_refused > 0 {
            Badge::Attention
        } else if self.sending.get() && unsent > 0 {
            Badge::Sending
        } else if unsent > 0 {
            Badge::SavedHere
        } else {
            Badge::AllSent
        }
    }
}

/// One trigger per kind of stored data: a page tracks the ones it shows, and a sync that brought
/// findings does not make the work-order list read 10,000 orders again.
#[derive(Clone, Copy)]
pub struct Changed {
    /// Work orders (pulled, reassigned away, or changed by a step on this device).
    pub work_orders: Trigger,
    /// Field data: the reference (areas, items, units, people), area days, vacant-unit records,
    /// findings and rounds.
    pub field: Trigger,
    /// The outbox: entries queued, sent, refused or discarded.
    pub outbox: Trigger,
    /// Photo bytes kept on the device: taken, uploaded, refused or discarded.
    pub photos: Trigger,
}

impl Changed {
    pub fn new() -> Self {
        Changed {
            work_orders: Trigger::new(),
            field: Trigger::new(),
            outbox: Trigger::new(),
            photos: Trigger::new(),
        }
    }

    /// Everything: after a sign-in, a sign-out, or a change whose reach is not known.
    pub fn all(&self) {
        self.work_orders.notify();
        self.field.notify();
        self.outbox.notify();
        self.photos.notify();
    }
}

impl Default for Changed {
    fn default() -> Self {
        Self::new()
    }
}

pub fn use_sync() -> SyncState {
    expect_context::<SyncState>()
}

struct Engine {
    db: Db,
    state: SyncState,
    running: Cell<bool>,
    again: Cell<bool>,
    failures: Cell<u32>,
    retry: RefCell<Option<Timeout>>,
    // Kept alive for the app's lifetime.
    _listeners: RefCell<Vec<EventListener>>,
    _tick: RefCell<Option<Interval>>,
}

thread_local! {
    static ENGINE: RefCell<Option<Rc<Engine>>> = const { RefCell::new(None) };
    /// Operations in a request under way, or answered and not settled yet: the server may have
    /// applied them, so they are never taken off the phone (a photo is withdrawn instead).
    static OUT: RefCell<Vec<Uuid>> = const { RefCell::new(Vec::new()) };
    /// Operations being taken off the phone (a photo removed before it was sent): a batch read
    /// before they were deleted leaves them out.
    static HELD_BACK: RefCell<Vec<Uuid>> = const { RefCell::new(Vec::new()) };
}

/// Keep `op` from ever being sent, unless it went out already. Synchronous, like the uploader's
/// check before it sends, so one of the two always sees the other.
fn hold_back(op: Uuid) -> bool {
    if OUT.with(|o| o.borrow().contains(&op)) {
        return false;
    }
    HELD_BACK.with(|h| h.borrow_mut().push(op));
    true
}

fn release(op: Uuid) {
    HELD_BACK.with(|h| h.borrow_mut().retain(|id| *id != op));
}

fn engine() -> Option<Rc<Engine>> {
    ENGINE.with(|e| e.borrow().clone())
}

/// The database handle the app opened at start, for code outside the component tree (the
/// benchmarks' hooks). Components use `db::use_db()`.
pub fn db() -> Db {
    engine().expect("sync engine started").db.clone()
}

/// The screens' sync state, for code outside the component tree (the benchmarks' hooks).
pub fn state() -> SyncState {
    engine().expect("sync engine started").state
}

/// Start the engine once, with the database the app opened, and wire up its triggers.
pub fn start(db: Db) -> SyncState {
    let state = SyncState::new();
    let engine = Rc::new(Engine {
        db,
        state,
        running: Cell::new(false),
        again: Cell::new(false),
        failures: Cell::new(0),
        retry: RefCell::new(None),
        _listeners: RefCell::new(Vec::new()),
        _tick: RefCell::new(None),
    });
    ENGINE.with(|e| *e.borrow_mut() = Some(engine.clone()));

    let window = gloo::utils::window();
    let document = gloo::utils::document();
    let mut listeners = vec![EventListener::new(&window, "online", |_| kick())];
    listeners.push(EventListener::new(&document, "visibilitychange", |_| {
        if gloo::utils::document().visibility_state() == web_sys::VisibilityState::Visible {
            kick();
        }
    }));
    if let Some(sw) = crate::service_worker::container() {
        // The service worker's Background Sync wakes us through a message.
        listeners.push(EventListener::new(&sw, "message", |_| kick()));
    }
    *engine._listeners.borrow_mut() = listeners;
    *engine._tick.borrow_mut() = Some(Interval::new(TICK_MS, kick));
    spawn_local(async move {
        refresh(&engine).await;
        if let Ok(at) = engine.db.last_synced().await {
            engine.state.last_synced.set(at);
        }
        if let Ok(offset) = engine.db.clock_offset_ms().await {
            crate::time::set_ahead_ms(-offset);
            engine.state.clock_ahead_ms.set(-offset);
        }
    });
    kick();
    state
}

/// Ask for a run now (or once more after the current one).
pub fn kick() {
    let Some(engine) = engine() else { return };
    if engine.running.replace(true) {
        engine.again.set(true);
        return;
    }
    engine.retry.borrow_mut().take();
    spawn_local(async move {
        loop {
            engine.again.set(false);
            run(&engine).await;
            if !engine.again.get() {
                break;
            }
        }
        engine.running.set(false);
    });
}

/// Re-read the outbox's counts for the badge.
async fn refresh(engine: &Engine) {
    let user = engine
        .db
        .profile()
        .await
        .ok()
        .flatten()
        .map(|p| p.username)
        .unwrap_or_default();
    if let Ok(counts) = engine.db.outbox_counts(&user).await {
        engine.state.set_counts(counts);
    }
}

fn contact_failed(engine: &Rc<Engine>) {
    engine.state.reachable.set(Some(false));
    let attempt = engine.failures.get();
    engine.failures.set(attempt + 1);
    let delay = sync::backoff_ms(attempt, js_sys::Math::random());
    *engine.retry.borrow_mut() = Some(Timeout::new(delay, kick));
}

async fn run(engine: &Rc<Engine>) {
    let Ok(Some(profile)) = engine.db.profile().await else {
        return;
    };
    if engine.state.needs_sign_in.get_untracked() {
        return;
    }
    engine.state.sending.set(true);
    let pushed = push_all(engine, &profile).await && upload_photos(engine, &profile).await;
    if pushed {
        pull(engine).await;
    }
    engine.state.sending.set(false);
    refresh(engine).await;
}

/// Send every queued entry, batch by batch. False when a batch could not be delivered.
async fn push_all(engine: &Rc<Engine>, profile: &UserProfile) -> bool {
    loop {
        let Ok(mut batch) = engine.db.next_batch(BATCH).await else {
            return false;
        };
        // One person's queue never goes out under another person's session.
        batch.retain(|e| {
            e.op.user == profile.username && HELD_BACK.with(|h| !h.borrow().contains(&e.op.id))
        });
        if batch.is_empty() {
            return true;
        }
        OUT.with(|o| o.borrow_mut().extend(batch.iter().map(|e| e.op.id)));
        let now = Utc::now();
        let request = fieldbook_model::outbox::batch_request(&batch, now);
        // A phone that simply has no signal has not tried: only a reply (the server's, or a
        // portal's in its place) counts, or "已尝试 47 次" climbs all day in a basement.
        let verdict = api::push(&request).await;
        let gone_out = |batch: &[crate::db::OutboxEntry]| {
            OUT.with(|o| {
                o.borrow_mut()
                    .retain(|id| batch.iter().all(|e| e.op.id != *id))
            })
        };
        // Only an answer with results can leave the server holding them; any other (none at
        // all: no signal) lets a photo come off the phone again. A request that arrived but whose
        // answer was lost cannot be told from one that never arrived: such a photo, removed,
        // comes back with the next pull (the server has it) and is withdrawn from there.
        if !matches!(verdict, Some(PushVerdict::Results(_))) {
            gone_out(&batch);
        }
        let Some(verdict) = verdict else {
            contact_failed(engine);
            return false;
        };
        if engine.db.mark_tried(&batch, now).await.is_err() {
            return false;
        }
        match verdict {
            PushVerdict::Results(results) => {
                engine.state.reachable.set(Some(true));
                engine.failures.set(0);
                if let Err(e) = engine.db.settle(&batch, &results).await {
                    gloo::console::error!(format!("outbox settle failed: {e:?}"));
                    return false;
                }
                // Settled: applied ones left the outbox, refused ones the server never took.
                gone_out(&batch);
                // A refusal puts the step's record back as the server has it (at the next pull)
                // and shows on the order and the sync screen; an answer changes only the outbox.
                engine.state.changed.outbox.notify();
                refresh(engine).await;
            }
            PushVerdict::SignInAgain => {
                engine.state.reachable.set(Some(true));
                engine.state.needs_sign_in.set(true);
                return false;
            }
            PushVerdict::RetryLater => {
                contact_failed(engine);
                return false;
            }
            PushVerdict::Refused(err) => {
                gloo::console::warn!(format!("batch refused: {} {}", err.error, err.message));
                contact_failed(engine);
                return false;
            }
        }
    }
}

/// Send the bytes of every photo whose metadata the server has. False when contact failed.
async fn upload_photos(engine: &Rc<Engine>, profile: &UserProfile) -> bool {
    let (Ok(photos), Ok(outbox)) = (engine.db.photos(None).await, engine.db.outbox().await) else {
        return false;
    };
    // A photo goes only after the operation naming it was answered: the server must know it
    // first (an AddPhoto, or a finding's or record's operation).
    let waiting: Vec<Uuid> = outbox
        .iter()
        .filter(|e| e.op.user == profile.username)
        .flat_map(|e| e.op.photo_ids())
        .collect();
    // One person's photos never go out under another person's session.
    let mine = |p: &&crate::db::PhotoBlob| p.record.is_of(&profile.username);
    let mut answers: Vec<(Uuid, Result<(), String>)> = Vec::new();
    let mut sent = 0usize;
    let mut contact = true;
    for photo in photos
        .iter()
        .filter(|p| !p.record.uploaded && p.record.error.is_none() && !p.record.draft)
        .filter(mine)
    {
        if waiting.contains(&photo.record.id) {
            continue;
        }
        let Some(digest) = crate::photo::content_digest(&photo.record.sha256) else {
            continue;
        };
        let id = photo.record.id;
        let upload = engine.state.upload;
        upload.set(Some((id, 0)));
        let answer = api::put_photo(
            id,
            &photo.blob,
            &photo.record.content_type,
            &digest,
            move |sent| {
                let percent = (sent * 100.0).floor().clamp(0.0, 100.0) as u8;
                // Only whole-percent steps reach the screen.
                if upload.get_untracked() != Some((id, percent)) {
                    upload.set(Some((id, percent)));
                }
            },
        )
        .await;
        upload.set(None);
        match answer {
            Ok(api::PhotoPut::Stored) => answers.push((id, Ok(()))),
            Ok(api::PhotoPut::Refused(reason)) => answers.push((id, Err(reason))),
            Ok(api::PhotoPut::NotYet) => continue,
            Err(ApiFail::Unauthorized) => {
                engine.state.needs_sign_in.set(true);
                contact = false;
                break;
            }
            Err(_) => {
                contact_failed(engine);
                contact = false;
                break;
            }
        }
        engine.state.reachable.set(Some(true));
        // The badge counts down photo by photo; the screens re-read once, at the end:
        // re-reading IndexedDB after every photo cost a third of the upload's throughput.
        engine
            .state
            .counts
            .update(|c| c.photos = c.photos.saturating_sub(1));
        sent += 1;
        if answers.len() >= NOTE_EVERY {
            note(engine, &mut answers).await;
        }
    }
    let any = !answers.is_empty() || sent > 0;
    note(engine, &mut answers).await;
    if any {
        engine.state.changed.photos.notify();
    }
    refresh(engine).await;
    contact
}

/// Write the server's answers for photos to the device, in one transaction.
async fn note(engine: &Engine, answers: &mut Vec<(Uuid, Result<(), String>)>) {
    if answers.is_empty() {
        return;
    }
    if let Err(e) = engine.db.photos_sent(answers).await {
        gloo::console::error!(format!("noting photo uploads failed: {e:?}"));
    }
    answers.clear();
}

/// Pull what changed, a page at a time (the server says when more waits), each page stored
/// before the next is asked for: a lost connection keeps what came.
async fn pull(engine: &Rc<Engine>) {
    loop {
        let Ok(cursor) = engine.db.cursor().await else {
            return;
        };
        match api::pull(cursor).await {
            Ok(batch) => {
                engine.state.reachable.set(Some(true));
                engine.failures.set(0);
                let now = Utc::now();
                match engine.db.apply_pull(&batch, now).await {
                    Ok(()) => {
                        engine.state.last_synced.set(Some(now));
                        // As stored by `apply_pull`: how far this device's clock is ahead.
                        let ahead = (now - batch.server_time).num_milliseconds();
                        crate::time::set_ahead_ms(ahead);
                        engine.state.clock_ahead_ms.set(ahead);
                        if !batch.work_orders.is_empty() || !batch.removed.is_empty() {
                            engine.state.changed.work_orders.notify();
                        }
                        if !batch.field.is_empty() {
                            engine.state.changed.field.notify();
                        }
                    }
                    Err(e) => {
                        gloo::console::error!(format!("storing the pull failed: {e:?}"));
                        return;
                    }
                }
                // The cursor moves forward with each full page, so this ends.
                if !batch.more || batch.cursor <= cursor {
                    return;
                }
            }
            Err(ApiFail::Unauthorized) => return engine.state.needs_sign_in.set(true),
            Err(_) => return contact_failed(engine),
        }
    }
}

/// Record what the signed-in person did (steps on one work order, or field steps), with the photo
/// bytes they name, on this device first, in ONE transaction with their outbox entries; then tell
/// the screens what changed and wake the uploader. Pages reach this through `hooks::use_outbox`.
pub async fn record(
    db: &Db,
    state: SyncState,
    profile: &UserProfile,
    kinds: Vec<OpKind>,
    photos: Vec<crate::db::PhotoBlob>,
) -> Result<(), DbError> {
    let ops = operations(db, profile, kinds).await?;
    let on_order = ops.first().and_then(Operation::work_order_id).is_some();
    let with_photos = !photos.is_empty();
    db.record_steps(ops, photos).await?;
    // The badge counts the new entry before any screen shows what it did: never a screen with
    // the change beside a badge still saying "all sent".
    if let Ok(counts) = db.outbox_counts(&profile.username).await {
        state.set_counts(counts);
    }
    let changed = state.changed;
    if on_order {
        changed.work_orders.notify();
    } else {
        changed.field.notify();
    }
    changed.outbox.notify();
    if with_photos {
        changed.photos.notify();
    }
    kick();
    Ok(())
}

/// Take a wrong photo off the phone while the server has never seen it: its queued operation,
/// its bytes and its place on the order go, and nothing of it is ever sent. False when the
/// server may have it (its operation went out): it is withdrawn instead (`WithdrawPhoto`).
pub async fn take_off(db: &Db, photo_id: Uuid) -> Result<bool, DbError> {
    let entry = db
        .outbox()
        .await?
        .into_iter()
        .find(|e| crate::db::entry_photo(e) == Some(photo_id));
    let Some(entry) = entry.filter(|e| hold_back(e.op.id)) else {
        return Ok(false);
    };
    let removed = db
        .remove_unsent_photo(entry.seq, entry.op.work_order_id(), photo_id)
        .await;
    if !matches!(removed, Ok(true)) {
        release(entry.op.id);
    }
    removed
}

/// `kinds` as operations of `profile` on this device, made now.
async fn operations(
    db: &Db,
    profile: &UserProfile,
    kinds: Vec<OpKind>,
) -> Result<Vec<Operation>, DbError> {
    let device_id = db.device_id().await?;
    let now = Utc::now();
    Ok(kinds
        .into_iter()
        .map(|kind| Operation {
            id: Uuid::new_v4(),
            user: profile.username.clone(),
            device_id,
            device_time: now,
            kind,
        })
        .collect())
}

/// After a successful (re-)sign-in: the queue may go again.
pub fn signed_in() {
    if let Some(engine) = engine() {
        engine.state.needs_sign_in.set(false);
        engine.failures.set(0);
    }
    kick();
}

/// Re-read the counts and let every screen read the device again (after a sign-in or sign-out,
/// or a discard on the sync screen).
pub async fn refresh_now() {
    if let Some(engine) = engine() {
        refresh(&engine).await;
        engine.state.changed.all();
    }
}

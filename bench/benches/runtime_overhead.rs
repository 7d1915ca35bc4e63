//! Runtime overhead of the generated SDK against plain `reqwest` + `serde_json`, side by side in
//! one run on a loopback server (BENCHMARKS.md, "Runtime overhead"):
//!
//! - (a) get one account by key, (c) create an account with two binds: per request, plain and
//!   SDK in alternating blocks;
//! - (b) a page of 5,000 accounts with 40 properties, lookups and annotations: decoding the body
//!   (in memory) into the plain serde struct, into a serde-derived struct with the SDK's value
//!   types ("same shape") and into the generated type through the runtime's `Page`, in rotating
//!   order; allocations counted by the global allocator below; and the full HTTP round trip.
//!
//! `cargo bench -p dataverse-bench` (quick smoke run: `-- --quick`; `ROUNDS=n` scales the rounds).

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::{Duration, Instant};

use dataverse_bench::{
    PlainAccount, PlainClient, PlainPage, SdkClient, ShapedAccount, ShapedPage, canned, check_page,
    fixture, sdk, server,
};
use dataverse_runtime::Page;

// ---------------------------------------------------------------------------------------------
// Counting allocator: every allocation (and reallocation) and its bytes, process-wide and on
// the current thread (the clients run on the main thread; the server has its own thread).
// ---------------------------------------------------------------------------------------------

struct Counting;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);
static BYTES: AtomicU64 = AtomicU64::new(0);
static LIVE: AtomicU64 = AtomicU64::new(0);

thread_local! {
    static THREAD: Cell<(u64, u64)> = const { Cell::new((0, 0)) };
}

fn count(size: usize) {
    ALLOCATIONS.fetch_add(1, Relaxed);
    BYTES.fetch_add(size as u64, Relaxed);
    let _ = THREAD.try_with(|t| {
        let (n, b) = t.get();
        t.set((n + 1, b + size as u64));
    });
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count(layout.size());
        LIVE.fetch_add(layout.size() as u64, Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count(layout.size());
        LIVE.fetch_add(layout.size() as u64, Relaxed);
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size() as u64, Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count(new_size);
        LIVE.fetch_add(new_size as u64, Relaxed);
        LIVE.fetch_sub(layout.size() as u64, Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Allocations and bytes allocated on this thread while `f` runs, and the bytes still live
/// after it (what the result holds).
fn allocations<R>(f: impl FnOnce() -> R) -> (R, u64, u64, u64) {
    let (n0, b0) = THREAD.with(Cell::get);
    let live0 = LIVE.load(Relaxed);
    let r = f();
    let (n1, b1) = THREAD.with(Cell::get);
    let live1 = LIVE.load(Relaxed);
    (r, n1 - n0, b1 - b0, live1.saturating_sub(live0))
}

// ---------------------------------------------------------------------------------------------
// Statistics
// ---------------------------------------------------------------------------------------------

#[derive(Default)]
struct Samples(Vec<Duration>);

impl Samples {
    fn median(&self) -> Duration {
        let mut v = self.0.clone();
        v.sort_unstable();
        let n = v.len();
        if n % 2 == 1 {
            v[n / 2]
        } else {
            (v[n / 2 - 1] + v[n / 2]) / 2
        }
    }
    fn mean(&self) -> Duration {
        self.0.iter().sum::<Duration>() / self.0.len() as u32
    }
}

fn fmt(d: Duration) -> String {
    let ns = d.as_nanos() as f64;
    if ns >= 1e6 {
        format!("{:.2} ms", ns / 1e6)
    } else {
        format!("{:.1} µs", ns / 1e3)
    }
}

fn ratio(a: Duration, b: Duration) -> f64 {
    a.as_secs_f64() / b.as_secs_f64()
}

/// Median of the per-round ratios of the means (each round: one block of each side).
fn round_ratio(plain_rounds: &[Duration], sdk_rounds: &[Duration]) -> f64 {
    let mut r: Vec<f64> = plain_rounds
        .iter()
        .zip(sdk_rounds)
        .map(|(p, s)| ratio(*s, *p))
        .collect();
    r.sort_by(f64::total_cmp);
    r[r.len() / 2]
}

struct Row {
    what: String,
    plain: Samples,
    sdk: Samples,
    plain_rounds: Vec<Duration>,
    sdk_rounds: Vec<Duration>,
    plain_allocs: (u64, u64),
    sdk_allocs: (u64, u64),
}

fn print_rows(title: &str, rows: &[Row]) {
    println!("\n{title}");
    println!(
        "| what | plain median | SDK median | SDK/plain (median) | plain mean | SDK mean | SDK/plain (mean) | SDK/plain (median of rounds) | allocations plain / SDK (client thread) |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    for r in rows {
        println!(
            "| {} | {} | {} | {:.3} | {} | {} | {:.3} | {:.3} | {} ({} B) / {} ({} B) |",
            r.what,
            fmt(r.plain.median()),
            fmt(r.sdk.median()),
            ratio(r.sdk.median(), r.plain.median()),
            fmt(r.plain.mean()),
            fmt(r.sdk.mean()),
            ratio(r.sdk.mean(), r.plain.mean()),
            round_ratio(&r.plain_rounds, &r.sdk_rounds),
            r.plain_allocs.0,
            r.plain_allocs.1,
            r.sdk_allocs.0,
            r.sdk_allocs.1,
        );
    }
}

// ---------------------------------------------------------------------------------------------
// The measurements
// ---------------------------------------------------------------------------------------------

struct Config {
    rounds: usize,
    per_round: usize,
    page_size: u32,
    page_rounds: usize,
}

/// Requests one at a time, plain and SDK in alternating blocks of `per_round` (the side that
/// goes first alternates too).
fn requests<P, S>(
    runtime: &tokio::runtime::Runtime,
    cfg: &Config,
    what: &str,
    mut plain: impl FnMut() -> P,
    mut sdk: impl FnMut() -> S,
) -> Row
where
    P: std::future::Future<Output = ()>,
    S: std::future::Future<Output = ()>,
{
    // Warm-up: connections, caches, the allocator.
    runtime.block_on(async {
        for _ in 0..cfg.per_round.max(50) {
            plain().await;
            sdk().await;
        }
    });
    let (_, pa, pb, _) = allocations(|| runtime.block_on(plain()));
    let (_, sa, sb, _) = allocations(|| runtime.block_on(sdk()));
    let mut row = Row {
        what: what.to_owned(),
        plain: Samples::default(),
        sdk: Samples::default(),
        plain_rounds: Vec::new(),
        sdk_rounds: Vec::new(),
        plain_allocs: (pa, pb),
        sdk_allocs: (sa, sb),
    };
    runtime.block_on(async {
        for round in 0..cfg.rounds {
            for side in 0..2 {
                let sdk_side = (round + side) % 2 == 1;
                let mut total = Duration::ZERO;
                for _ in 0..cfg.per_round {
                    let t = Instant::now();
                    if sdk_side {
                        sdk().await;
                    } else {
                        plain().await;
                    }
                    let d = t.elapsed();
                    total += d;
                    if sdk_side {
                        row.sdk.0.push(d);
                    } else {
                        row.plain.0.push(d);
                    }
                }
                let mean = total / cfg.per_round as u32;
                if sdk_side {
                    row.sdk_rounds.push(mean);
                } else {
                    row.plain_rounds.push(mean);
                }
            }
        }
    });
    row
}

#[derive(Clone, Copy, PartialEq)]
enum Shape {
    Page,
    Record,
}

/// Decoder `which` (0 plain, 1 same shape, 2 generated) of a page or one record; the result
/// kept.
fn decode_boxed(which: usize, body: &[u8], shape: Shape) -> Box<dyn std::any::Any> {
    match (shape, which) {
        (Shape::Page, 0) => Box::new(serde_json::from_slice::<PlainPage>(body).unwrap()),
        (Shape::Page, 1) => Box::new(serde_json::from_slice::<ShapedPage>(body).unwrap()),
        (Shape::Page, _) => Box::new(serde_json::from_slice::<Page<sdk::Account>>(body).unwrap()),
        (Shape::Record, 0) => Box::new(serde_json::from_slice::<PlainAccount>(body).unwrap()),
        (Shape::Record, 1) => Box::new(serde_json::from_slice::<ShapedAccount>(body).unwrap()),
        (Shape::Record, _) => Box::new(serde_json::from_slice::<sdk::Account>(body).unwrap()),
    }
}

/// Decodes `body` with the three decoders in rotating order, `rounds` × `per_sample` times
/// each (the result dropped outside the timed region), and prints time and allocations.
fn decode_table(
    title: &str,
    body: &[u8],
    shape: Shape,
    rounds: usize,
    per_sample: usize,
    records: u32,
) {
    const DECODERS: [&str; 3] = [
        "plain serde struct (Option<T>, f64)",
        "serde-derived, SDK value types (same shape)",
        "generated SDK type",
    ];
    for which in 0..3 {
        for _ in 0..per_sample {
            drop(black_box(decode_boxed(which, body, shape)));
        }
    }
    let mut times: [Samples; 3] = Default::default();
    let mut drops: [Samples; 3] = Default::default();
    let mut kept = Vec::with_capacity(per_sample);
    for round in 0..rounds {
        for k in 0..3 {
            let which = (round + k) % 3;
            let t = Instant::now();
            for _ in 0..per_sample {
                kept.push(decode_boxed(which, body, shape));
            }
            times[which].0.push(t.elapsed() / per_sample as u32);
            let t = Instant::now();
            kept.clear();
            drops[which].0.push(t.elapsed() / per_sample as u32);
        }
    }
    let mb = body.len() as f64 / 1e6;
    println!("\n{title}");
    println!(
        "| decoder | median | mean | min | MB/s (median) | ÷ plain (median) | allocations | bytes allocated | bytes held by the result | dropping the result (median) |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|");
    let plain_median = times[0].median();
    for (k, name) in DECODERS.iter().enumerate() {
        let (result, n, bytes, held) = allocations(|| decode_boxed(k, body, shape));
        drop(result);
        let s = &times[k];
        println!(
            "| {name} | {} | {} | {} | {:.0} | {:.3} | {n} ({:.1}/record) | {} | {} | {} |",
            fmt(s.median()),
            fmt(s.mean()),
            fmt(*s.0.iter().min().unwrap()),
            mb / s.median().as_secs_f64(),
            ratio(s.median(), plain_median),
            n as f64 / f64::from(records),
            size(bytes),
            size(held),
            fmt(drops[k].median()),
        );
    }
}

fn size(bytes: u64) -> String {
    if bytes >= 1_000_000 {
        format!("{:.1} MB", bytes as f64 / 1e6)
    } else {
        format!("{bytes} B")
    }
}

/// `--profile WHAT [N]`: only one side's loop, N times, for a profiler (`valgrind --tool=callgrind`,
/// `perf record`): `decode-plain`, `decode-shaped`, `decode-sdk` (the 5,000-account page in
/// memory), `get-plain`, `get-sdk`, `create-plain`, `create-sdk`.
fn profile(what: &str, n: usize) {
    if let Some(which) = ["decode-plain", "decode-shaped", "decode-sdk"]
        .iter()
        .position(|w| *w == what)
    {
        let body = fixture::page(5_000);
        for _ in 0..n {
            drop(black_box(decode_boxed(which, &body, Shape::Page)));
        }
        return;
    }
    let server = server::Server::start(canned(10));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let plain = PlainClient::new(&server.root);
    let sdk = SdkClient::new(&server.root);
    let id = fixture::account_id(7);
    let (parent, contact) = (dataverse_bench::PARENT, dataverse_bench::CONTACT);
    runtime.block_on(async {
        for _ in 0..n {
            match what {
                "get-plain" => drop(black_box(plain.get(id).await.unwrap())),
                "get-sdk" => drop(black_box(sdk.get(id).await.unwrap())),
                "create-plain" => drop(black_box(plain.create(parent, contact).await.unwrap())),
                "create-sdk" => drop(black_box(sdk.create(parent, contact).await.unwrap())),
                other => panic!("unknown --profile {other}"),
            }
        }
    });
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(at) = args.iter().position(|a| a == "--profile") {
        let what = args.get(at + 1).expect("--profile WHAT [N]");
        let n = args.get(at + 2).and_then(|n| n.parse().ok()).unwrap_or(10);
        profile(what, n);
        return;
    }
    let quick = args.iter().any(|a| a == "--quick") || !args.iter().any(|a| a == "--bench");
    let scale: usize = std::env::var("ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(1);
    let cfg = if quick {
        Config {
            rounds: 2,
            per_round: 10,
            page_size: 500,
            page_rounds: 2,
        }
    } else {
        Config {
            rounds: 100 * scale,
            per_round: 200,
            page_size: 5_000,
            page_rounds: 15 * scale,
        }
    };

    let canned = canned(cfg.page_size);
    let page_body = canned.page.clone();
    println!(
        "fixture: one record {} bytes; page of {} accounts {} bytes ({} properties each, plus annotations)",
        canned.record.len(),
        cfg.page_size,
        page_body.len(),
        fixture::PROPERTIES.len()
    );
    println!(
        "struct sizes: PlainAccount {} B, ShapedAccount {} B, generated Account {} B",
        std::mem::size_of::<PlainAccount>(),
        std::mem::size_of::<ShapedAccount>(),
        std::mem::size_of::<sdk::Account>()
    );
    // Both sides read the same values from these bytes (panics otherwise).
    assert_eq!(check_page(&page_body), cfg.page_size as usize);

    let server = server::Server::start(canned);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let plain = PlainClient::new(&server.root);
    let sdk = SdkClient::new(&server.root);
    let id = fixture::account_id(7);
    let (parent, contact) = (dataverse_bench::PARENT, dataverse_bench::CONTACT);

    // (a) and (c)
    let get = requests(
        &runtime,
        &cfg,
        "(a) get one account by key",
        || async {
            black_box(plain.get(id).await.unwrap());
        },
        || async {
            black_box(sdk.get(id).await.unwrap());
        },
    );
    let create = requests(
        &runtime,
        &cfg,
        "(c) create with two binds",
        || async {
            black_box(plain.create(parent, contact).await.unwrap());
        },
        || async {
            black_box(sdk.create(parent, contact).await.unwrap());
        },
    );
    print_rows(
        &format!(
            "per request, {} rounds × {} requests per side, alternating",
            cfg.rounds, cfg.per_round
        ),
        &[get, create],
    );

    // (b) decode, in memory; and the body of (a) the same way
    decode_table(
        &format!(
            "(b) decode a page of {} accounts ({:.2} MB, in memory), {} rounds, rotating order",
            cfg.page_size,
            page_body.len() as f64 / 1e6,
            cfg.page_rounds
        ),
        &page_body,
        Shape::Page,
        cfg.page_rounds,
        1,
        cfg.page_size,
    );
    let record_body = fixture::record(7);
    let per_sample = if quick { 10 } else { 200 };
    decode_table(
        &format!(
            "(a)'s body: decode one account ({} bytes, in memory), {} rounds × {per_sample} decodes, rotating order",
            record_body.len(),
            cfg.page_rounds * 4
        ),
        &record_body,
        Shape::Record,
        cfg.page_rounds * 4,
        per_sample,
        1,
    );

    // (b) full round trip of the page
    let rt_cfg = Config {
        rounds: cfg.page_rounds,
        per_round: if quick { 1 } else { 4 },
        ..cfg
    };
    let page_row = requests(
        &runtime,
        &rt_cfg,
        "(b) GET the page of accounts, decoded (HTTP round trip)",
        || async {
            black_box(plain.query().await.unwrap());
        },
        || async {
            black_box(sdk.query().await.unwrap());
        },
    );
    print_rows(
        &format!(
            "(b) round trip, {} rounds × {} requests per side, alternating",
            rt_cfg.rounds, rt_cfg.per_round
        ),
        &[page_row],
    );
    drop(server);
}

// threads.rs — Rust std under lxrun: threads with Arc<Mutex>, channels, a
// scoped-thread sum, a barrier, thread names, a child process, and the file
// system through std::fs.
use std::sync::{mpsc, Arc, Barrier, Mutex};
use std::thread;

fn main() {
    let counter = Arc::new(Mutex::new(0u64));
    let mut handles = Vec::new();
    for i in 0..16u64 {
        let c = Arc::clone(&counter);
        handles.push(thread::Builder::new().name(format!("worker-{}", i)).spawn(move || {
            for _ in 0..1000 {
                *c.lock().unwrap() += 1;
            }
            thread::current().name().unwrap().to_string()
        }).unwrap());
    }
    let names: Vec<String> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    println!("counter {} names {}", *counter.lock().unwrap(), names.len());

    let (tx, rx) = mpsc::channel();
    for i in 0..8 {
        let tx = tx.clone();
        thread::spawn(move || tx.send(i * i).unwrap());
    }
    drop(tx);
    let mut got: Vec<i32> = rx.iter().collect();
    got.sort();
    println!("squares {:?}", got);

    let barrier = Arc::new(Barrier::new(4));
    let hs: Vec<_> = (0..4).map(|_| { let b = Arc::clone(&barrier); thread::spawn(move || b.wait().is_leader()) }).collect();
    let leaders = hs.into_iter().map(|h| h.join().unwrap()).filter(|&l| l).count();
    println!("barrier leaders {}", leaders);

    let data: Vec<u64> = (1..=100000).collect();
    let sum: u64 = thread::scope(|s| {
        let parts: Vec<_> = data.chunks(25000).map(|c| s.spawn(move || c.iter().sum::<u64>())).collect();
        parts.into_iter().map(|p| p.join().unwrap()).sum()
    });
    println!("sum {}", sum);

    let out = std::process::Command::new("sh").arg("-c").arg("echo child $((6*7))").output().unwrap();
    print!("{}", String::from_utf8_lossy(&out.stdout));
    println!("status {}", out.status.code().unwrap_or(-1));

    let dir = std::env::temp_dir().join(format!("lxrun-rust-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("f"), b"hello").unwrap();
    println!("read {}", std::fs::read_to_string(dir.join("f")).unwrap());
    std::fs::remove_dir_all(&dir).unwrap();
}

//! Makes sure the embedded frontend folder exists, so the server builds before `npm run build`.

fn main() {
    let dist = std::path::Path::new("frontend/dist");
    if !dist.exists() {
        let _ = std::fs::create_dir_all(dist);
    }
    println!("cargo:rerun-if-changed=frontend/dist");
}

//! Parsed documents, kept for the life of the compiler process and keyed by path and
//! modification time, so that several `connector!` calls on one document parse it once.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::SystemTime;
use tray_connect_codegen::{DocumentError, OperationsDocument};

type Cache = Mutex<HashMap<PathBuf, (Option<SystemTime>, Arc<OperationsDocument>)>>;

/// Why a document could not be loaded.
pub enum LoadError {
    /// The file could not be read.
    Read(std::io::Error),
    /// The file is not an operations document.
    Document(DocumentError),
}

/// The parsed document at `path`, from the cache when the file has not changed since.
pub fn load(path: &Path) -> Result<Arc<OperationsDocument>, LoadError> {
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let cache = CACHE.get_or_init(Cache::default);
    let modified = std::fs::metadata(path).and_then(|m| m.modified()).ok();
    if let Some(modified) = modified
        && let Ok(cache) = cache.lock()
        && let Some((when, document)) = cache.get(path)
        && *when == Some(modified)
    {
        return Ok(document.clone());
    }
    let text = std::fs::read_to_string(path).map_err(LoadError::Read)?;
    let document =
        Arc::new(tray_connect_codegen::document::parse(&text).map_err(LoadError::Document)?);
    if let Ok(mut cache) = cache.lock() {
        cache.insert(path.to_path_buf(), (modified, document.clone()));
    }
    Ok(document)
}

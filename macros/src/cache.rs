//! Parsed documents and expansions, kept for the life of the compiler process. Documents are
//! keyed by path and modification time, so that several `connector!` calls on one document
//! parse it once; an expansion cut into parts is kept for the calls that expand its parts.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::SystemTime;
use tray_connect_codegen::{DocumentError, Expansion, OperationsDocument};

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

/// An expansion cut into parts, kept for the calls of `connector!` that each expand one part
/// (see `crate::expand`): the document it came from and every argument it depends on.
struct CachedExpansion {
    document: Arc<OperationsDocument>,
    arguments: String,
    expansion: Arc<Expansion>,
}

/// How many expansions are kept: more than the documents one crate expands in parts at once.
const EXPANSIONS_KEPT: usize = 8;

/// The expansion of `document` with `arguments` (every other input of the generator, written
/// out), from the cache when the same loaded document was expanded with the same arguments,
/// else made by `expand`. Only expansions `keep` says are worth keeping are kept.
pub fn expansion<E>(
    document: &Arc<OperationsDocument>,
    arguments: String,
    expand: impl FnOnce() -> Result<Expansion, E>,
    keep: impl FnOnce(&Expansion) -> bool,
) -> Result<Arc<Expansion>, E> {
    static CACHE: OnceLock<Mutex<Vec<CachedExpansion>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Mutex::default);
    if let Ok(cache) = cache.lock()
        && let Some(hit) = cache
            .iter()
            .find(|c| Arc::ptr_eq(&c.document, document) && c.arguments == arguments)
    {
        return Ok(hit.expansion.clone());
    }
    let expansion = Arc::new(expand()?);
    if keep(&expansion)
        && let Ok(mut cache) = cache.lock()
    {
        if cache.len() >= EXPANSIONS_KEPT {
            cache.remove(0);
        }
        cache.push(CachedExpansion {
            document: document.clone(),
            arguments,
            expansion: expansion.clone(),
        });
    }
    Ok(expansion)
}

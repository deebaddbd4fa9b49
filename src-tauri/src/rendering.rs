//! How the page is drawn: with the GPU (WebKit's accelerated compositing) or
//! on the CPU.
//!
//! On a machine with no GPU the app can reach (no DRM render node under
//! /dev/dri: virtual machines, remote desktops, containers), WebKit's
//! accelerated compositing still runs, on Mesa's software OpenGL
//! (llvmpipe), and that costs more CPU than drawing the page on the CPU
//! directly: measured on such a machine (docs/BENCHMARKS.md, "Saving a
//! note"), the compositor's threads took most of a core while notes were
//! being saved, and a save's p99 round trip was 4× what it is with
//! compositing off. So the app turns WebKit's hardware acceleration off
//! there, and leaves WebKit's default wherever a GPU is reachable.
//! `PANELIST_RENDERING=gpu|cpu` overrides the choice (`auto`, the default,
//! decides as above).

use std::path::Path;

/// How WebKit draws the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rendering {
    /// WebKit's default: accelerated compositing with OpenGL.
    Gpu,
    /// Hardware acceleration off: WebKit draws on the CPU.
    Cpu,
}

/// The environment variable that overrides the choice.
pub const OVERRIDE: &str = "PANELIST_RENDERING";

/// The rendering for an override value (`PANELIST_RENDERING`) and whether a
/// GPU render node can be opened. An unknown override is an error naming
/// the variable and the values it takes.
pub fn choose(overridden: Option<&str>, gpu_reachable: bool) -> Result<Rendering, String> {
    match overridden.map(str::trim) {
        None | Some("") | Some("auto") => Ok(auto(gpu_reachable)),
        Some("gpu") => Ok(Rendering::Gpu),
        Some("cpu") => Ok(Rendering::Cpu),
        Some(other) => Err(format!("{OVERRIDE}={other:?} is not one of auto, gpu, cpu")),
    }
}

/// `auto`: the GPU where one is reachable, else the CPU.
fn auto(gpu_reachable: bool) -> Rendering {
    if gpu_reachable {
        Rendering::Gpu
    } else {
        Rendering::Cpu
    }
}

/// Whether the app can open a DRM render node (`renderD*`) in `dir`
/// (/dev/dri) for reading and writing: what Mesa needs to draw with a GPU
/// rather than in software.
pub fn gpu_reachable(dir: &Path) -> bool {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return false;
    };
    entries.flatten().any(|e| {
        e.file_name().to_string_lossy().starts_with("renderD")
            && std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .open(e.path())
                .is_ok()
    })
}

/// The rendering for this process: the override, else what /dev/dri offers.
pub fn for_this_machine() -> Rendering {
    let gpu = gpu_reachable(Path::new("/dev/dri"));
    let overridden = std::env::var(OVERRIDE).ok();
    choose(overridden.as_deref(), gpu).unwrap_or_else(|e| {
        tracing::warn!("{e}; deciding as for auto");
        auto(gpu)
    })
}

/// Applies `rendering` to the window's webview.
pub fn apply(window: &tauri::WebviewWindow, rendering: Rendering) {
    tracing::info!(?rendering, "page rendering");
    if rendering == Rendering::Gpu {
        return;
    }
    #[cfg(target_os = "linux")]
    {
        let done = window.with_webview(|w| {
            use webkit2gtk::{HardwareAccelerationPolicy, SettingsExt, WebViewExt};
            if let Some(settings) = WebViewExt::settings(&w.inner()) {
                settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
            }
        });
        if let Err(e) = done {
            tracing::warn!("cannot set the page's rendering: {e}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auto_draws_on_the_cpu_only_where_no_gpu_is_reachable() {
        for o in [None, Some(""), Some("auto"), Some(" auto ")] {
            assert_eq!(choose(o, true), Ok(Rendering::Gpu), "{o:?}");
            assert_eq!(choose(o, false), Ok(Rendering::Cpu), "{o:?}");
        }
    }

    #[test]
    fn the_override_wins_either_way() {
        for gpu in [true, false] {
            assert_eq!(choose(Some("gpu"), gpu), Ok(Rendering::Gpu));
            assert_eq!(choose(Some("cpu"), gpu), Ok(Rendering::Cpu));
        }
    }

    #[test]
    fn an_unknown_override_is_named_in_the_error() {
        let e = choose(Some("fast"), true).unwrap_err();
        assert!(
            e.contains("PANELIST_RENDERING") && e.contains("fast"),
            "{e}"
        );
    }

    #[test]
    fn a_render_node_counts_only_when_it_opens() {
        let dir = tempfile::tempdir().unwrap();
        assert!(!gpu_reachable(dir.path()), "empty /dev/dri");
        assert!(!gpu_reachable(&dir.path().join("missing")), "no /dev/dri");
        std::fs::write(dir.path().join("card0"), b"").unwrap();
        assert!(
            !gpu_reachable(dir.path()),
            "a card node is not a render node"
        );
        let node = dir.path().join("renderD128");
        std::fs::write(&node, b"").unwrap();
        assert!(gpu_reachable(dir.path()), "an openable render node");
    }
}

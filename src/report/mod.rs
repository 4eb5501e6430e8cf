//! Figures and a self-contained HTML report drawn from a saved output folder.
//!
//! The report is its own stage: it reads `summary.json`, `replications.csv` and `timeseries.csv`
//! from disk and writes `plots/*.svg`, `plots/*.png` and `report.html` beside them, so that
//! `concrisk report DIR` can redraw any saved run without the engine. Output is deterministic
//! (no timestamps, ordered maps): the same folder always gives the same bytes.

mod analyses;
mod annual;
mod consistency;
mod days;
mod error;
mod figures;
mod font;
mod format;
mod html;
mod input;
mod labels;
mod lost;
mod palette;
mod sensitivity;
mod uncertainty;

use std::fs;
use std::path::{Path, PathBuf};

use plotters::coord::Shift;
use plotters::prelude::*;

pub use error::ReportError;
use figures::Figure;

/// The files one [`render`] wrote, in the order it wrote them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// Every file written: each figure's SVG then PNG, and `report.html` last.
    pub files: Vec<PathBuf>,
}

/// A figure drawn and saved, kept for the page.
pub(crate) struct Saved {
    pub name: &'static str,
    pub caption: String,
    pub svg: String,
}

/// Reads `DIR/summary.json`, `DIR/replications.csv` and `DIR/timeseries.csv` and (re)writes
/// `DIR/plots/*.svg`, `DIR/plots/*.png` and `DIR/report.html`.
///
/// `dir` is meant to be a study's staging folder (see `crate::output`), which no reader sees
/// until it is whole; files are written in place, never through a link. A figure with nothing to show (say, no per-segment metrics in the run) is left out, and the
/// page says so.
///
/// # Errors
/// [`ReportError::Missing`] when one of the three input files is absent; [`ReportError::Json`]
/// when `summary.json` does not parse, [`ReportError::Summary`] when it lacks a field (the error
/// names the field);
/// [`ReportError::Csv`] for a malformed CSV file; [`ReportError::Mismatch`] when two files of the
/// folder disagree (nothing is drawn then); [`ReportError::Io`] or [`ReportError::Draw`] when
/// an output file cannot be written.
pub fn render(dir: &Path) -> Result<Rendered, ReportError> {
    let input = input::read(dir)?;
    // Nothing is drawn from a folder whose files disagree.
    consistency::check(dir, &input)?;
    let plots = dir.join("plots");
    fs::create_dir_all(&plots).map_err(|source| ReportError::Io {
        path: plots.clone(),
        source,
    })?;
    if !font::register() {
        return Err(ReportError::Draw {
            path: plots,
            message: "the bundled font could not be loaded; this build of concrisk is broken"
                .into(),
        });
    }

    let mut files = Vec::new();
    let mut saved = Vec::new();
    if let Some(f) = figures::timeline::Timeline::new(&input) {
        saved.push(save(&plots, &f, &mut files)?);
    }
    if let Some(f) = figures::capacity::Capacity::new(&input) {
        saved.push(save(&plots, &f, &mut files)?);
    }
    if let Some(damage) = figures::distribution::Damage::new(&input) {
        saved.push(save(
            &plots,
            &figures::distribution::Histogram(&damage),
            &mut files,
        )?);
        saved.push(save(
            &plots,
            &figures::distribution::Exceedance(&damage),
            &mut files,
        )?);
    }
    for bars in [
        figures::bars::Bars::by_service(&input),
        figures::bars::Bars::by_segment(&input),
    ]
    .into_iter()
    .flatten()
    {
        saved.push(save(&plots, &bars, &mut files)?);
    }
    if let Some(graph) = figures::graph::Graph::new(&input) {
        saved.push(save(&plots, &graph, &mut files)?);
    }

    // compare, rank and sweep, when the folder holds their files.
    let analyses = analyses::render(dir, &plots, &mut files)?;

    let page = dir.join("report.html");
    write_whole(&page, html::page(&input, &saved, &analyses).as_bytes())?;
    files.push(page);
    Ok(Rendered { files })
}

/// Draws the figures of the policy analyses in `dir` (`compare`, `rank`, `sweep`, `annual`);
/// when the folder also holds a run, or holds no analysis (then what is missing is the run's
/// files), redraws the whole report so that its page gains their sections.
///
/// # Errors
/// As [`render`]; a malformed analysis file is [`ReportError::Json`] or [`ReportError::Csv`].
pub fn render_analyses(dir: &Path) -> Result<Rendered, ReportError> {
    if dir.join("summary.json").exists() || !analyses::holds_any(dir) {
        render(dir)
    } else if !font::register() {
        Err(ReportError::Draw {
            path: dir.join("plots"),
            message: "the bundled font could not be loaded; this build of concrisk is broken"
                .into(),
        })
    } else {
        consistency::check_analyses(dir)?;
        Ok(Rendered {
            files: analyses::figures_only(dir)?,
        })
    }
}

/// Draws one figure as SVG and PNG and writes both.
fn save<F: Figure>(
    plots: &Path,
    figure: &F,
    files: &mut Vec<PathBuf>,
) -> Result<Saved, ReportError> {
    let name = figure.name();
    let svg_path = plots.join(format!("{name}.svg"));
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, palette::SIZE).into_drawing_area();
        draw_on(&root, figure).map_err(|message| ReportError::Draw {
            path: svg_path.clone(),
            message,
        })?;
    }
    write_whole(&svg_path, svg.as_bytes())?;
    files.push(svg_path);

    let png_path = plots.join(format!("{name}.png"));
    // The temporary name must end in `.png`: the encoder picks the format from the extension.
    // plotters opens it with O_TRUNC, so whatever has the name is unlinked first (it is never
    // carried over from an old folder, but the folder is the caller's).
    let tmp = plots.join(format!(".{name}.tmp.png"));
    match fs::remove_file(&tmp) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            return Err(ReportError::Io {
                path: tmp,
                source: e,
            });
        }
        _ => {}
    }
    let drawn = {
        let root = BitMapBackend::new(&tmp, palette::SIZE).into_drawing_area();
        draw_on(&root, figure)
    };
    drawn
        .map_err(|message| ReportError::Draw {
            path: png_path.clone(),
            message,
        })
        .and_then(|()| {
            fs::rename(&tmp, &png_path).map_err(|source| ReportError::Io {
                path: png_path.clone(),
                source,
            })
        })
        .inspect_err(|_| {
            // Best effort: a half-written temporary file is litter, not data.
            let _ = fs::remove_file(&tmp);
        })?;
    files.push(png_path);
    Ok(Saved {
        name,
        caption: figure.caption(),
        svg,
    })
}

fn draw_on<DB: DrawingBackend, F: Figure>(
    root: &DrawingArea<DB, Shift>,
    figure: &F,
) -> Result<(), String> {
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    figure.draw(root).map_err(|e| e.0)?;
    root.present().map_err(|e| e.to_string())
}

/// Writes a file into the folder being drawn (a study's staging folder) as a new file, never
/// through a link: see [`crate::results::write_new`].
fn write_whole(path: &Path, bytes: &[u8]) -> Result<(), ReportError> {
    crate::results::write_new(path, bytes).map_err(|source| ReportError::Io {
        path: path.to_path_buf(),
        source,
    })
}

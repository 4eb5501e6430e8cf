//! Every figure's text is legible: no text box overlaps another, none runs off the canvas, and no
//! label is cut short with an ellipsis. Measured on the SVG the report writes — each `<text>`
//! element's box from its position, anchor, baseline shift and font size, its width from the
//! bundled font's advances (the font the PNG is drawn with) — for every shipped scenario, a
//! compare, a rank, an annual study, and sweeps of each kind (a grid over two paths, a sweep over array values and a
//! Latin hypercube over two ranges) and a sensitivity study (indices of three inputs).

use std::fs;
use std::path::{Path, PathBuf};

use ab_glyph::{Font, FontRef};

const FONT: &[u8] = include_bytes!("../assets/fonts/DejaVuSans.ttf");

/// Space every text box keeps from its neighbours on each side, in pixels: boxes closer than
/// twice this read as one ("80.0 bn100.0 bn").
const GAP: f64 = 2.0;

/// One text element's box in canvas pixels.
#[derive(Debug, Clone)]
struct TextBox {
    text: String,
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
}

impl TextBox {
    fn overlaps(&self, o: &TextBox) -> bool {
        self.x0 - GAP < o.x1 + GAP && o.x0 - GAP < self.x1 + GAP && self.y0 < o.y1 && o.y0 < self.y1
    }
}

fn number(s: &str) -> f64 {
    s.trim().parse().unwrap_or(0.0)
}

/// The advance width of `text` at `size` px per em, in the bundled font (kerning ignored: it
/// narrows a line by a pixel or two).
fn width(font: &FontRef<'_>, text: &str, size: f64) -> f64 {
    let per_em = f64::from(font.units_per_em().unwrap_or(2048.0));
    text.chars()
        .map(|c| f64::from(font.h_advance_unscaled(font.glyph_id(c))))
        .sum::<f64>()
        * size
        / per_em
}

/// The baseline shift of plotters' `dy` attribute, in pixels: `0.76em` (text hung from its top),
/// `0.5ex` (centred) and `-0.5ex` (sat on its bottom); DejaVu's x-height is 0.547 em.
fn shift(dy: &str, size: f64) -> f64 {
    let dy = dy.trim();
    if let Some(em) = dy.strip_suffix("em") {
        number(em) * size
    } else if let Some(ex) = dy.strip_suffix("ex") {
        number(ex) * 0.547 * size
    } else {
        number(dy)
    }
}

/// The boxes of every text element of an SVG, and the canvas size.
fn boxes(svg: &str) -> (Vec<TextBox>, f64, f64) {
    let font = FontRef::try_from_slice(FONT).expect("bundled font");
    let doc = roxmltree::Document::parse(svg).expect("the SVG parses");
    let root = doc.root_element();
    let (w, h) = (
        number(root.attribute("width").unwrap_or("0")),
        number(root.attribute("height").unwrap_or("0")),
    );
    let mut out = Vec::new();
    for node in doc.descendants().filter(|n| n.has_tag_name("text")) {
        let text: String = node
            .descendants()
            .filter(|n| n.is_text())
            .filter_map(|n| n.text())
            .collect::<String>()
            .trim()
            .to_string();
        if text.is_empty() {
            continue;
        }
        let size = number(node.attribute("font-size").unwrap_or("0"));
        let (x, y) = (
            number(node.attribute("x").unwrap_or("0")),
            number(node.attribute("y").unwrap_or("0")),
        );
        let baseline = shift(node.attribute("dy").unwrap_or("0"), size);
        let len = width(&font, &text, size);
        let dx0 = match node.attribute("text-anchor").unwrap_or("start") {
            "middle" => -len / 2.0,
            "end" => -len,
            _ => 0.0,
        };
        // Ascender to descender of DejaVu Sans: 0.76 em above the baseline, 0.24 below.
        let (dy0, dy1) = (baseline - 0.76 * size, baseline + 0.24 * size);
        let dx1 = dx0 + len;
        let rotated = node
            .attribute("transform")
            .and_then(|t| t.trim().strip_prefix("rotate("))
            .map(|t| number(t.split(',').next().unwrap_or("0")));
        let b = match rotated {
            // rotate(270) about (x, y) maps an offset (dx, dy) to (dy, −dx).
            Some(a) if (a - 270.0).abs() < 1e-9 || (a + 90.0).abs() < 1e-9 => TextBox {
                text,
                x0: x + dy0,
                x1: x + dy1,
                y0: y - dx1,
                y1: y - dx0,
            },
            Some(a) if (a - 90.0).abs() < 1e-9 => TextBox {
                text,
                x0: x - dy1,
                x1: x - dy0,
                y0: y + dx0,
                y1: y + dx1,
            },
            Some(a) if a.abs() > 1e-9 => panic!("a rotation this test does not measure: {a}"),
            _ => TextBox {
                text,
                x0: x + dx0,
                x1: x + dx1,
                y0: y + dy0,
                y1: y + dy1,
            },
        };
        out.push(b);
    }
    (out, w, h)
}

/// What is wrong with the text of one SVG: overlapping boxes, boxes off the canvas, labels cut.
fn defects(svg: &str) -> Vec<String> {
    let (boxes, w, h) = boxes(svg);
    let mut out = Vec::new();
    for (i, a) in boxes.iter().enumerate() {
        if a.x0 < 0.0 || a.y0 < 0.0 || a.x1 > w || a.y1 > h {
            out.push(format!(
                "`{}` runs off the {w}×{h} canvas: x {:.0}…{:.0}, y {:.0}…{:.0}",
                a.text, a.x0, a.x1, a.y0, a.y1
            ));
        }
        if a.text.contains('…') {
            out.push(format!("`{}` is cut short", a.text));
        }
        for b in &boxes[i + 1..] {
            if a.overlaps(b) {
                out.push(format!(
                    "`{}` (x {:.0}…{:.0}, y {:.0}…{:.0}) touches `{}` (x {:.0}…{:.0}, y {:.0}…{:.0})",
                    a.text, a.x0, a.x1, a.y0, a.y1, b.text, b.x0, b.x1, b.y0, b.y1
                ));
            }
        }
    }
    out
}

fn concrisk(args: &[&str], out: &Path) {
    assert_cmd::Command::cargo_bin("concrisk")
        .expect("binary")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .arg("--out")
        .arg(out)
        .assert()
        .success();
}

/// Every `plots/*.svg` under `dir`.
fn svgs(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = fs::read_dir(dir.join("plots"))
        .expect("plots folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "svg"))
        .collect();
    out.sort();
    out
}

fn assert_legible(dirs: &[PathBuf]) {
    let mut all = Vec::new();
    let mut seen = 0;
    for dir in dirs {
        for svg in svgs(dir) {
            seen += 1;
            let text = fs::read_to_string(&svg).expect("read svg");
            for d in defects(&text) {
                all.push(format!("{}: {d}", svg.display()));
            }
        }
    }
    assert!(seen > 0, "no figures were drawn");
    assert!(
        all.is_empty(),
        "{} text defects:\n{}",
        all.len(),
        all.join("\n")
    );
}

const SMALL: [&str; 4] = ["--replications", "6", "--agents", "1500"];

#[test]
fn every_shipped_scenarios_figures_are_legible() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut dirs = Vec::new();
    let mut files: Vec<PathBuf> =
        fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios"))
            .expect("scenarios")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
            .collect();
    files.sort();
    assert!(files.len() >= 5, "the shipped scenarios: {files:?}");
    for file in &files {
        let out = tmp.path().join(file.file_stem().expect("stem"));
        let file = file.to_str().expect("utf-8 path");
        let mut args = vec!["run", file];
        args.extend(SMALL);
        concrisk(&args, &out);
        dirs.push(out);
    }
    assert_legible(&dirs);
}

#[test]
fn compare_rank_sweep_and_sensitivity_figures_are_legible() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let kakao = "scenarios/kakao-fire-2022.toml";
    let example = "scenarios/example.toml";
    let studies: Vec<(&str, Vec<&str>)> = vec![
        ("compare", vec!["compare", kakao]),
        ("rank", vec!["rank", kakao]),
        ("card-rank", vec!["rank", "scenarios/card-outage.toml"]),
        (
            "annual",
            vec!["annual", kakao, "--years", "500", "--variants", "dual_site"],
        ),
        (
            "grid",
            vec![
                "sweep",
                example,
                "--set",
                "events.dc_flood.duration_hours.median",
                "--values",
                "2,6,12",
                "--set",
                "adoption.chatter.share",
                "--values",
                "0.5,0.9",
            ],
        ),
        (
            "array",
            vec![
                "sweep",
                example,
                "--set",
                "platforms.chatter.depends_on",
                "--values",
                "[\"town_dc\"],[\"backup_dc\"],[{ any_of = [\"town_dc\", \"backup_dc\"] }]",
            ],
        ),
        (
            "lhs",
            vec![
                "sweep",
                example,
                "--design",
                "lhs",
                "--samples",
                "6",
                "--range",
                "events.dc_flood.duration_hours.median=2..12",
                "--range",
                "scenario.value_of_time_per_hour=10..40",
            ],
        ),
    ];
    let mut dirs = Vec::new();
    for (name, mut args) in studies {
        args.extend(SMALL);
        let out = tmp.path().join(name);
        concrisk(&args, &out);
        dirs.push(out);
    }
    // `sensitivity`: the example's own uncertain inputs (a valuation and an engine input) and
    // two more (a world and an engine input), labelled with the longest words of their paths.
    let uncertain = tmp.path().join("uncertain.toml");
    let mut text = fs::read_to_string(example).expect("example scenario");
    text.push_str(
        "\n[[uncertain]]\npath = \"events.dc_flood.duration_hours.median\"\n\
         value = { dist = \"uniform\", min = 2, max = 12 }\nsource = \"assumed\"\n\
         \n[[uncertain]]\npath = \"adoption.chatter.share.elderly\"\n\
         value = { dist = \"uniform\", min = 0.4, max = 0.8 }\nsource = \"assumed\"\n",
    );
    fs::write(&uncertain, text).expect("write scenario");
    let out = tmp.path().join("sensitivity");
    let mut args = vec![
        "sensitivity",
        uncertain.to_str().expect("utf-8 path"),
        "--samples",
        "8",
    ];
    args.extend(SMALL);
    concrisk(&args, &out);
    assert!(
        dirs.iter()
            .any(|d| d.join("plots/annual_exceedance.svg").exists())
    );
    assert!(out.join("plots/sensitivity.svg").exists());
    assert!(out.join("plots/sensitivity.png").exists());
    dirs.push(out);
    assert_legible(&dirs);
}

/// A run whose summary has a start date (the field `run.start` writes): the hour axes label local
/// dates and clock times in the start's offset, still legibly.
#[test]
fn a_start_date_puts_clock_times_on_the_hour_axes() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("kakao");
    let mut args = vec!["run", "scenarios/kakao-fire-2022.toml"];
    args.extend(SMALL);
    concrisk(&args, &out);
    let path = out.join("summary.json");
    let mut summary: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&path).expect("summary")).expect("JSON");
    summary["start"] = serde_json::Value::from("2022-10-15T15:30:00+09:00");
    fs::write(&path, serde_json::to_vec_pretty(&summary).expect("JSON")).expect("write");
    assert_cmd::Command::cargo_bin("concrisk")
        .expect("binary")
        .arg("report")
        .arg(&out)
        .assert()
        .success();
    for figure in ["timeline", "capacity"] {
        let svg = fs::read_to_string(out.join("plots").join(format!("{figure}.svg"))).expect("svg");
        let (texts, _, _) = boxes(&svg);
        let texts: Vec<&str> = texts.iter().map(|b| b.text.as_str()).collect();
        assert!(
            texts.contains(&"Local time (UTC+09:00); the run starts 15 Oct 2022, 15:30"),
            "{figure}: {texts:?}"
        );
        // Kakao runs 144 h from 15:30 on 15 October: midnights of the 16th to the 21st.
        assert!(
            texts.iter().any(|t| *t == "16 Oct" || *t == "17 Oct"),
            "{figure} has no dated tick: {texts:?}"
        );
    }
    assert_legible(&[out]);
}

#[test]
fn the_measure_finds_touching_and_cut_text() {
    let svg = |body: &str| {
        format!(
            "<svg width=\"200\" height=\"100\" xmlns=\"http://www.w3.org/2000/svg\">{body}</svg>"
        )
    };
    let t = |x: u32, y: u32, anchor: &str, s: &str| {
        format!(
            "<text x=\"{x}\" y=\"{y}\" dy=\"0.76em\" text-anchor=\"{anchor}\" font-size=\"14\">{s}</text>"
        )
    };
    // "80.0 bn" is about 50 px wide at 14 px: ticks 50 px apart touch, 80 px apart do not.
    assert_eq!(
        defects(&svg(
            &(t(40, 10, "middle", "80.0 bn") + &t(90, 10, "middle", "100.0 bn"))
        ))
        .len(),
        1
    );
    assert!(
        defects(&svg(
            &(t(40, 10, "middle", "80.0 bn") + &t(130, 10, "middle", "100.0 bn"))
        ))
        .is_empty()
    );
    // Off the right edge, and cut short.
    assert_eq!(defects(&svg(&t(190, 10, "start", "Naver"))).len(), 1);
    assert_eq!(defects(&svg(&t(10, 10, "start", "Kakao…"))).len(), 1);
    // Stacked lines a line height apart do not touch; half a line apart they do.
    assert!(
        defects(&svg(
            &(t(10, 10, "start", "one") + &t(10, 28, "start", "two"))
        ))
        .is_empty()
    );
    assert_eq!(
        defects(&svg(
            &(t(10, 10, "start", "one") + &t(10, 17, "start", "two"))
        ))
        .len(),
        1
    );
    // A label rotated to run up the left edge, centred on y = 50, is about 60 px tall.
    let (b, _, _) = boxes(&svg(
        "<text x=\"10\" y=\"50\" dy=\"0.76em\" text-anchor=\"middle\" font-size=\"14\" \
         transform=\"rotate(270, 10, 50)\">Population</text>",
    ));
    assert!(
        (b[0].y1 - b[0].y0 - width(&FontRef::try_from_slice(FONT).unwrap(), "Population", 14.0))
            .abs()
            < 1e-9
    );
    assert!(b[0].y0 > 10.0 && b[0].y1 < 90.0 && b[0].x1 - b[0].x0 == 14.0);
}

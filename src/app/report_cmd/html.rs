//! `qmvc report --html OUT`: one self-contained HTML file (no external
//! CSS, script, font or image) rendered through handlebars from
//! `templates/report.html.hbs`, with its charts as inline SVG. The chart
//! geometry is computed here; the template only draws rectangles and
//! labels.
//!
//! Every value from the log is attacker-controlled (sender, recipient,
//! subject, virus name): every `{{value}}` is shown as the terminal output
//! shows it (control characters `?`, bidi and zero-width characters
//! `<U+202E>`) and then HTML-escaped (`& < > " ' \` =`); the template never
//! uses `{{{ }}}`.
//!
//! Pure: the template source and the time of the report come in.

use handlebars::Handlebars;
use serde::Serialize;

use super::summary::{Day, Digest, EngineRow, Named};

/// The shipped template.
pub const TEMPLATE: &str = include_str!("../../../templates/report.html.hbs");
/// Its name in `[paths].templates` (a site file of that name replaces it).
pub const TEMPLATE_FILE: &str = "report.html.hbs";

/// Chart width in SVG units (pixels at 100 %).
const WIDTH: f64 = 900.0;
/// Left margin of the day chart (for the axis labels).
const AXIS: f64 = 50.0;
/// Width of the label column of the bar charts.
const LABELS: f64 = 280.0;
/// Height of one bar chart row.
const ROW: f64 = 22.0;
/// Characters of a label drawn in a bar chart (the tables show all).
const LABEL_MAX: usize = 40;

/// What the template sees.
#[derive(Debug, Serialize)]
struct View<'a> {
    generated: &'a str,
    d: &'a Digest,
    days: Chart,
    viruses: Chart,
    engines: Chart,
}

/// An SVG drawing: rectangles with a tooltip and text labels.
#[derive(Debug, Default, Serialize)]
pub struct Chart {
    /// Width.
    pub width: f64,
    /// Height.
    pub height: f64,
    /// Bars and bar segments.
    pub rects: Vec<Rect>,
    /// Axis and bar labels.
    pub labels: Vec<Label>,
}

/// One bar or bar segment; `class` is a verdict or engine result (its
/// colour is in the template's CSS).
#[derive(Debug, Serialize)]
pub struct Rect {
    x: String,
    y: String,
    w: String,
    h: String,
    class: &'static str,
    title: String,
}

/// One text label; `anchor` is SVG `text-anchor`.
#[derive(Debug, Serialize)]
pub struct Label {
    x: String,
    y: String,
    anchor: &'static str,
    text: String,
}

fn n(v: f64) -> String {
    format!("{v:.1}")
}

fn rect(x: f64, y: f64, w: f64, h: f64, class: &'static str, title: String) -> Rect {
    Rect {
        x: n(x),
        y: n(y),
        w: n(w),
        h: n(h),
        class,
        title,
    }
}

fn label(x: f64, y: f64, anchor: &'static str, text: String) -> Label {
    Label {
        x: n(x),
        y: n(y),
        anchor,
        text,
    }
}

/// Messages per day, stacked by verdict, with a y axis at 0, half and the
/// highest day, and about twelve date labels.
pub fn days_chart(days: &[Day]) -> Chart {
    let height = 240.0;
    // Bars stand on y = base and reach y = base - plot at the busiest day.
    let (base, plot) = (210.0, 195.0);
    let mut c = Chart {
        width: WIDTH,
        height,
        ..Chart::default()
    };
    let max = days.iter().map(|d| d.total).max().unwrap_or(0).max(1) as f64;
    let slot = (WIDTH - AXIS) / days.len().max(1) as f64;
    let bar = (slot * 0.8).max(0.5);
    let every = days.len().div_ceil(10).max(1);
    for (i, day) in days.iter().enumerate() {
        let x = AXIS + i as f64 * slot;
        let mut y = base;
        for (class, count) in [
            ("clean", day.clean),
            ("errormail", day.errormail),
            ("badmail", day.badmail),
            ("unchecked", day.unchecked),
            ("virus", day.virus),
        ] {
            if count == 0 {
                continue;
            }
            let h = count as f64 / max * plot;
            y -= h;
            c.rects.push(rect(
                x,
                y,
                bar,
                h,
                class,
                format!("{} {class}: {count}", day.date),
            ));
        }
        if i % every == 0 {
            c.labels.push(label(
                x + bar / 2.0,
                base + 16.0,
                "middle",
                day.date.clone(),
            ));
        }
    }
    for (frac, value) in [(0.0, 0.0), (0.5, max / 2.0), (1.0, max)] {
        c.labels.push(label(
            AXIS - 6.0,
            base - frac * plot + 4.0,
            "end",
            format!("{value:.0}"),
        ));
    }
    c
}

/// One horizontal bar per name, scaled to the largest count.
pub fn bars_chart(rows: &[Named]) -> Chart {
    let mut c = Chart {
        width: WIDTH,
        height: (rows.len().max(1) as f64) * ROW + 4.0,
        ..Chart::default()
    };
    let max = rows.iter().map(|r| r.count).max().unwrap_or(0).max(1) as f64;
    let room = WIDTH - LABELS - 60.0;
    for (i, r) in rows.iter().enumerate() {
        let y = i as f64 * ROW;
        let w = (r.count as f64 / max * room).max(1.0);
        c.rects.push(rect(
            LABELS,
            y + 3.0,
            w,
            ROW - 6.0,
            "virus",
            format!("{}: {}", r.name, r.count),
        ));
        c.labels
            .push(label(LABELS - 8.0, y + 15.0, "end", short(&r.name)));
        c.labels.push(label(
            LABELS + w + 6.0,
            y + 15.0,
            "start",
            r.count.to_string(),
        ));
    }
    c
}

/// One full-width bar per engine, split by its answers.
pub fn engines_chart(engines: &[EngineRow]) -> Chart {
    let mut c = Chart {
        width: WIDTH,
        height: (engines.len().max(1) as f64) * ROW + 4.0,
        ..Chart::default()
    };
    let room = WIDTH - LABELS - 20.0;
    for (i, e) in engines.iter().enumerate() {
        let y = i as f64 * ROW;
        let total = (e.clean + e.virus + e.error + e.skipped).max(1) as f64;
        let mut x = LABELS;
        for (class, count) in [
            ("clean", e.clean),
            ("virus", e.virus),
            ("error", e.error),
            ("skipped", e.skipped),
        ] {
            if count == 0 {
                continue;
            }
            let w = count as f64 / total * room;
            c.rects.push(rect(
                x,
                y + 3.0,
                w,
                ROW - 6.0,
                class,
                format!("{} {class}: {count}", e.name),
            ));
            x += w;
        }
        c.labels
            .push(label(LABELS - 8.0, y + 15.0, "end", short(&e.name)));
    }
    c
}

/// `s` cut to [`LABEL_MAX`] characters for a chart label.
fn short(s: &str) -> String {
    match s.char_indices().nth(LABEL_MAX) {
        Some((i, _)) => format!("{}...", s.get(..i).unwrap_or(s)),
        None => s.to_string(),
    }
}

/// Renders the report with `template` (the shipped [`TEMPLATE`] or a
/// site's), HTML-escaping every value. `generated` is the report's local
/// time.
///
/// Errors: the template's (syntax, a name it uses that the view lacks), as
/// handlebars words them.
pub fn render(d: &Digest, template: &str, generated: &str) -> Result<String, String> {
    let mut reg = Handlebars::new();
    reg.set_strict_mode(true);
    // HTML escaping is what makes hostile values harmless in the page;
    // before it, control characters become `?` and bidi and zero-width
    // characters `<U+202E>`, as everywhere qmvc shows a value, so that a
    // sender cannot pose as another (`billing@<U+202E>moc.lapyap`) nor
    // send escape sequences to a terminal that shows the page.
    reg.register_escape_fn(|s| handlebars::html_escape(&crate::escape::terminal(s, usize::MAX)));
    reg.register_template_string("report", template)
        .map_err(|e| e.to_string())?;
    let view = View {
        generated,
        d,
        days: days_chart(&d.days),
        viruses: bars_chart(&d.viruses),
        engines: engines_chart(&d.engines),
    };
    reg.render("report", &view).map_err(|e| e.to_string())
}

//! The personal stats chart as a PNG: accuracy per domain as bars against the passing line, with
//! each domain's blueprint weight, and accuracy per week as a line. Plain figures in, PNG bytes
//! out; no I/O, so callers run it on a blocking thread.

use std::sync::OnceLock;

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Pixels: wide enough for six domains' labels, small enough to stay well under 200 KB.
pub const WIDTH: u32 = 1000;
pub const HEIGHT: u32 = 720;

const FONT: &str = "sans-serif";
/// DejaVu Sans, shipped with its licence beside it, so the chart needs no system fonts.
static FONT_BYTES: &[u8] = include_bytes!("fonts/DejaVuSans.ttf");

// An opaque dark card with its own contrast: readable on Discord's dark and light themes alike.
const BACKGROUND: RGBColor = RGBColor(0x1E, 0x20, 0x30);
const PANEL: RGBColor = RGBColor(0x26, 0x2A, 0x3D);
const GRID: RGBColor = RGBColor(0x3A, 0x3F, 0x58);
const TEXT: RGBColor = RGBColor(0xF1, 0xF3, 0xF9);
const MUTED: RGBColor = RGBColor(0xB4, 0xBA, 0xD0);
const AT_OR_ABOVE_PASS: RGBColor = RGBColor(0x4A, 0xDE, 0x80);
const BELOW_PASS: RGBColor = RGBColor(0xFB, 0xBF, 0x24);
const PASS_LINE: RGBColor = RGBColor(0xF4, 0x72, 0xB6);
const WEEK_LINE: RGBColor = RGBColor(0x60, 0xA5, 0xFA);

/// Everything the chart shows, already worked out (see `figures::chart_plan`).
#[derive(Debug, Clone, PartialEq)]
pub struct ChartInput {
    /// "AIF-C01 · Ana"
    pub title: String,
    /// A line of totals under the title.
    pub subtitle: String,
    /// The passing line, as a share of the answers right (0-1).
    pub pass_share: f64,
    /// In blueprint order.
    pub domains: Vec<DomainBar>,
    /// Oldest first.
    pub weeks: Vec<WeekPoint>,
    /// The caption of the weekly panel.
    pub weeks_caption: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DomainBar {
    pub number: u8,
    /// Percent of the scored content, from the exam guide.
    pub weight: u32,
    pub answered: u32,
    pub correct: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct WeekPoint {
    /// "Nov 2"
    pub label: String,
    pub answered: u32,
    pub correct: u32,
}

#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    #[error("the shipped font could not be read")]
    Font,
    #[error("drawing the chart failed: {0}")]
    Draw(String),
    #[error("encoding the chart failed: {0}")]
    Encode(#[from] png::EncodingError),
}

fn share(answered: u32, correct: u32) -> Option<f64> {
    (answered > 0).then(|| f64::from(correct) / f64::from(answered))
}

fn register_font() -> Result<(), ChartError> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let ok = *REGISTERED.get_or_init(|| {
        plotters::style::register_font(FONT, FontStyle::Normal, FONT_BYTES).is_ok()
    });
    ok.then_some(()).ok_or(ChartError::Font)
}

fn draw_error(error: impl std::fmt::Display) -> ChartError {
    ChartError::Draw(error.to_string())
}

fn text_style(size: u32, colour: &RGBColor, h: HPos, v: VPos) -> TextStyle<'static> {
    (FONT, size).into_font().color(colour).pos(Pos::new(h, v))
}

type Area<'a> = DrawingArea<BitMapBackend<'a>, plotters::coord::Shift>;

/// A panel's frame: where the plot sits and how a share maps to a pixel row.
struct Plot {
    left: i32,
    right: i32,
    top: i32,
    bottom: i32,
}

impl Plot {
    fn y(&self, share: f64) -> i32 {
        let share = share.clamp(0.0, 1.0);
        self.bottom - (share * f64::from(self.bottom - self.top)).round() as i32
    }

    fn slot(&self, count: usize, index: usize) -> (i32, i32) {
        let width = f64::from(self.right - self.left) / count.max(1) as f64;
        let start = f64::from(self.left) + width * index as f64;
        (start.round() as i32, (start + width).round() as i32)
    }
}

/// The panel background, its caption, the 0-100% grid and the dashed passing line.
fn frame(area: &Area, plot: &Plot, caption: &str, pass_share: f64) -> Result<(), ChartError> {
    area.draw(&Rectangle::new(
        [
            (plot.left - 64, plot.top - 44),
            (plot.right + 16, plot.bottom + 62),
        ],
        PANEL.filled(),
    ))
    .map_err(draw_error)?;
    area.draw(&Text::new(
        caption.to_string(),
        (plot.left - 52, plot.top - 34),
        text_style(18, &TEXT, HPos::Left, VPos::Top),
    ))
    .map_err(draw_error)?;
    for step in 0..=4 {
        let share = f64::from(step) / 4.0;
        let y = plot.y(share);
        area.draw(&PathElement::new(
            vec![(plot.left, y), (plot.right, y)],
            GRID.stroke_width(1),
        ))
        .map_err(draw_error)?;
        area.draw(&Text::new(
            format!("{}%", step * 25),
            (plot.left - 8, y),
            text_style(14, &MUTED, HPos::Right, VPos::Center),
        ))
        .map_err(draw_error)?;
    }
    let y = plot.y(pass_share);
    let mut x = plot.left;
    while x < plot.right {
        let end = (x + 10).min(plot.right);
        area.draw(&PathElement::new(
            vec![(x, y), (end, y)],
            PASS_LINE.stroke_width(2),
        ))
        .map_err(draw_error)?;
        x += 16;
    }
    // The legend sits on the caption row, where no bar or point can cover it.
    let legend = format!("pass {:.0}%", pass_share * 100.0);
    let legend_y = plot.top - 24;
    area.draw(&Text::new(
        legend,
        (plot.right, legend_y),
        text_style(15, &PASS_LINE, HPos::Right, VPos::Center),
    ))
    .map_err(draw_error)?;
    for dash in 0..2 {
        let start = plot.right - 104 + dash * 14;
        area.draw(&PathElement::new(
            vec![(start, legend_y), (start + 10, legend_y)],
            PASS_LINE.stroke_width(2),
        ))
        .map_err(draw_error)?;
    }
    Ok(())
}

fn domain_panel(area: &Area, plot: &Plot, input: &ChartInput) -> Result<(), ChartError> {
    frame(
        area,
        plot,
        "Accuracy per domain (bar) · blueprint weight under each",
        input.pass_share,
    )?;
    let count = input.domains.len();
    for (index, domain) in input.domains.iter().enumerate() {
        let (start, end) = plot.slot(count, index);
        let centre = (start + end) / 2;
        let half = ((end - start) as f64 * 0.28).round() as i32;
        match share(domain.answered, domain.correct) {
            Some(share) => {
                let colour = if share >= input.pass_share {
                    AT_OR_ABOVE_PASS
                } else {
                    BELOW_PASS
                };
                let top = plot.y(share);
                area.draw(&Rectangle::new(
                    [(centre - half, top), (centre + half, plot.bottom)],
                    colour.filled(),
                ))
                .map_err(draw_error)?;
                // Inside the bar's top when it is tall enough, so the passing line never
                // crosses the figure; above a short bar.
                let label = format!("{:.0}%", share * 100.0);
                let inside = plot.bottom - top >= 28;
                let (y, colour, v) = if inside {
                    (top + 5, BACKGROUND, VPos::Top)
                } else {
                    (top - 4, TEXT, VPos::Bottom)
                };
                area.draw(&Text::new(
                    label,
                    (centre, y),
                    text_style(16, &colour, HPos::Center, v),
                ))
                .map_err(draw_error)?;
            }
            None => {
                area.draw(&Text::new(
                    "no answers".to_string(),
                    (centre, plot.bottom - 6),
                    text_style(14, &MUTED, HPos::Center, VPos::Bottom),
                ))
                .map_err(draw_error)?;
            }
        }
        area.draw(&Text::new(
            format!("D{} · weight {}%", domain.number, domain.weight),
            (centre, plot.bottom + 8),
            text_style(15, &TEXT, HPos::Center, VPos::Top),
        ))
        .map_err(draw_error)?;
        area.draw(&Text::new(
            format!("{} of {}", domain.correct, domain.answered),
            (centre, plot.bottom + 30),
            text_style(14, &MUTED, HPos::Center, VPos::Top),
        ))
        .map_err(draw_error)?;
    }
    Ok(())
}

fn week_panel(area: &Area, plot: &Plot, input: &ChartInput) -> Result<(), ChartError> {
    frame(area, plot, &input.weeks_caption, input.pass_share)?;
    let count = input.weeks.len();
    let points: Vec<Option<(i32, i32)>> = input
        .weeks
        .iter()
        .enumerate()
        .map(|(index, week)| {
            let (start, end) = plot.slot(count, index);
            share(week.answered, week.correct).map(|s| ((start + end) / 2, plot.y(s)))
        })
        .collect();
    // Consecutive weeks with answers are joined; a week without any breaks the line.
    for pair in points.windows(2) {
        if let [Some(a), Some(b)] = pair {
            area.draw(&PathElement::new(vec![*a, *b], WEEK_LINE.stroke_width(3)))
                .map_err(draw_error)?;
        }
    }
    for (index, week) in input.weeks.iter().enumerate() {
        let (start, end) = plot.slot(count, index);
        let centre = (start + end) / 2;
        if let Some(point) = points[index] {
            area.draw(&Circle::new(point, 5, WEEK_LINE.filled()))
                .map_err(draw_error)?;
        }
        area.draw(&Text::new(
            week.label.clone(),
            (centre, plot.bottom + 8),
            text_style(14, &TEXT, HPos::Center, VPos::Top),
        ))
        .map_err(draw_error)?;
        let answered = if week.answered == 0 {
            "–".to_string()
        } else {
            format!("n {}", week.answered)
        };
        area.draw(&Text::new(
            answered,
            (centre, plot.bottom + 30),
            text_style(13, &MUTED, HPos::Center, VPos::Top),
        ))
        .map_err(draw_error)?;
    }
    Ok(())
}

/// Raw RGB pixels of the chart.
fn draw(input: &ChartInput, pixels: &mut [u8]) -> Result<(), ChartError> {
    let area = BitMapBackend::with_buffer(pixels, (WIDTH, HEIGHT)).into_drawing_area();
    area.fill(&BACKGROUND).map_err(draw_error)?;
    area.draw(&Text::new(
        input.title.clone(),
        (24, 16),
        text_style(26, &TEXT, HPos::Left, VPos::Top),
    ))
    .map_err(draw_error)?;
    area.draw(&Text::new(
        input.subtitle.clone(),
        (24, 50),
        text_style(15, &MUTED, HPos::Left, VPos::Top),
    ))
    .map_err(draw_error)?;
    let right = WIDTH as i32 - 32;
    let domains = Plot {
        left: 88,
        right,
        top: 136,
        bottom: 340,
    };
    domain_panel(&area, &domains, input)?;
    let weeks = Plot {
        left: 88,
        right,
        top: 468,
        bottom: 640,
    };
    week_panel(&area, &weeks, input)?;
    area.present().map_err(draw_error)?;
    Ok(())
}

/// The chart as PNG bytes. CPU-bound (tens of milliseconds): run it off the async workers.
pub fn render_png(input: &ChartInput) -> Result<Vec<u8>, ChartError> {
    register_font()?;
    let mut pixels = vec![0u8; (WIDTH * HEIGHT * 3) as usize];
    draw(input, &mut pixels)?;
    let mut png_bytes = Vec::with_capacity(64 * 1024);
    let mut encoder = png::Encoder::new(&mut png_bytes, WIDTH, HEIGHT);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Default);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(&pixels)?;
    writer.finish()?;
    Ok(png_bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn realistic() -> ChartInput {
        ChartInput {
            title: "AIF-C01 · Ana".into(),
            subtitle: "240 answered · 68% right".into(),
            pass_share: 0.7,
            domains: (1..=5)
                .map(|number| DomainBar {
                    number,
                    weight: [20, 24, 28, 14, 14][usize::from(number) - 1],
                    answered: u32::from(number) * 10,
                    correct: u32::from(number) * 7 - 3,
                })
                .chain(std::iter::once(DomainBar {
                    number: 6,
                    weight: 0,
                    answered: 0,
                    correct: 0,
                }))
                .collect(),
            weeks: (0..12)
                .map(|n| WeekPoint {
                    label: format!("Week {n}"),
                    answered: if n == 4 { 0 } else { 20 },
                    correct: if n == 4 { 0 } else { 8 + n },
                })
                .collect(),
            weeks_caption: "Accuracy per week".into(),
        }
    }

    #[test]
    fn renders_a_png_of_the_stated_size() {
        let png = render_png(&realistic()).unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        assert_eq!(&png[12..16], b"IHDR");
        let width = u32::from_be_bytes(png[16..20].try_into().unwrap());
        let height = u32::from_be_bytes(png[20..24].try_into().unwrap());
        assert_eq!((width, height), (WIDTH, HEIGHT));
        assert!(png.len() < 200 * 1024, "{} bytes", png.len());
    }

    #[test]
    fn the_picture_shows_what_it_is_given() {
        // Same frame, different figures: different pixels (a bar moved, a point moved).
        let first = render_png(&realistic()).unwrap();
        let mut changed = realistic();
        changed.domains[0].correct = changed.domains[0].answered;
        assert_ne!(first, render_png(&changed).unwrap());
        assert_eq!(
            first,
            render_png(&realistic()).unwrap(),
            "rendering is pure"
        );
    }
}

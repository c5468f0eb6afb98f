//! Pictures of a member's progress: pure rendering from plain figures to PNG bytes, with a
//! font shipped in `fonts/` (DejaVu Sans, its licence beside it), so it works on a bare server.
//! No Discord types here; the adapter decides when to send a chart and renders it on a
//! blocking thread.

pub mod chart;
pub mod figures;

pub use chart::{render_png, ChartError, ChartInput, DomainBar, WeekPoint, HEIGHT, WIDTH};
pub use figures::{chart_exam, chart_plan, ChartPlan, MIN_CHART_ANSWERS};

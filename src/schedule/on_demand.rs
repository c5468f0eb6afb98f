//! `/daily now`: the channel's next question at once, claimed before it is sent like a
//! scheduled one, with the channel's schedule settings (or the defaults without a schedule).

use chrono::Duration;

use super::{PublishError, Publisher};
use crate::ops::metrics::{self, PostOutcome, PostSource};
use crate::quiz::{Engine, QuizError};
use crate::store::{Post, Snowflake};

/// The answer window of a question posted in a channel without a schedule.
pub const DEFAULT_WINDOW: Duration = Duration::hours(12);

#[derive(Debug, thiserror::Error)]
pub enum PostNowError {
    #[error(transparent)]
    Quiz(#[from] QuizError),
    /// The channel would not take the message; the claimed post is recorded as missed.
    #[error("{0}")]
    NotSent(PublishError),
}

/// Posts the channel's next question now and returns its post (open, with its message id).
pub async fn post_now<P: Publisher>(
    engine: &Engine,
    publisher: &P,
    guild: Snowflake,
    channel: Snowflake,
) -> Result<Post, PostNowError> {
    let schedule = engine.schedule_for_channel(guild, channel).await?;
    let (exam, window) = match &schedule {
        Some(s) => (
            s.settings.exam.clone(),
            Duration::minutes(i64::from(s.settings.window_minutes)),
        ),
        None => ("all".to_string(), DEFAULT_WINDOW),
    };
    let exam = engine.resolve_channel_exam(guild, channel, &exam).await?;
    let (post, question) = engine
        .claim_channel_post(guild, channel, &exam, None, window)
        .await?;
    match publisher.publish(&post, &question, None).await {
        Ok(message) => {
            engine.mark_posted(guild, post.post_id, message).await?;
            metrics::post(PostSource::Now, PostOutcome::Posted);
            Ok(Post {
                message_id: Some(message),
                state: crate::store::PostState::Open,
                ..post
            })
        }
        Err(error) => {
            engine.mark_missed(guild, post.post_id).await?;
            metrics::post(PostSource::Now, PostOutcome::Missed);
            Err(PostNowError::NotSent(error))
        }
    }
}

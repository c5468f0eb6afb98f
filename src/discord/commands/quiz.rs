//! /quiz: a personal practice question, private, counted in personal stats only.

use super::{Context, Error};
use crate::discord::exams::{autocomplete_exam, parse_exam};
use crate::discord::question_flow::personal_question_parts;
use crate::discord::reply::{guild_of, private};

/// A private practice question (missed ones come back in /review).
#[poise::command(slash_command, guild_only)]
pub async fn quiz(
    ctx: Context<'_>,
    #[description = "Which exam (default: the one you practise most)"]
    #[autocomplete = "autocomplete_exam"]
    exam: Option<String>,
    #[description = "Only this domain number"]
    #[min = 1]
    #[max = 6]
    domain: Option<u8>,
) -> Result<(), Error> {
    let guild = guild_of(ctx)?;
    let data = ctx.data();
    let user = ctx.author().id.get();
    let exam = match exam {
        Some(text) => parse_exam(ctx, &text)?,
        None => data.engine.favourite_exam(guild, user).await?,
    };
    let dealt = data
        .engine
        .start_personal(guild, user, &exam, domain)
        .await?;
    let (content, embed, components) = personal_question_parts(data, &dealt)?;
    ctx.send(
        private()
            .content(content)
            .embed(embed)
            .components(components),
    )
    .await?;
    Ok(())
}

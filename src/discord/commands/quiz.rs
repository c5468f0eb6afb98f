//! /quiz: a personal practice question, private, counted in personal stats only.

use super::{guild_of, no_pings, Context, Error, ExamChoice};
use crate::discord::components::personal_question_parts;

/// A private practice question (missed ones come back for review).
#[poise::command(slash_command, guild_only)]
pub async fn quiz(
    ctx: Context<'_>,
    #[description = "Which exam (default: the one you practise most)"] exam: Option<ExamChoice>,
    #[description = "Only this domain number"]
    #[min = 1]
    #[max = 6]
    domain: Option<u8>,
) -> Result<(), Error> {
    let guild = guild_of(ctx)?;
    let data = ctx.data();
    let user = ctx.author().id.get();
    let exam = match exam {
        Some(choice) => choice.id().to_string(),
        None => favourite_exam(ctx, guild, user).await?,
    };
    let dealt = data
        .engine
        .start_personal(guild, user, &exam, domain)
        .await?;
    data.wake_closer.notify_one();
    let (content, embed, components) = personal_question_parts(data, &dealt)?;
    ctx.send(
        poise::CreateReply::default()
            .content(content)
            .embed(embed)
            .components(components)
            .ephemeral(true)
            .allowed_mentions(no_pings()),
    )
    .await?;
    Ok(())
}

async fn favourite_exam(ctx: Context<'_>, guild: u64, user: u64) -> Result<String, Error> {
    let tallies = ctx.data().engine.store.tally_by_exam(guild, user).await?;
    Ok(tallies
        .into_iter()
        .max_by_key(|t| t.tally.answered)
        .map(|t| t.exam)
        .unwrap_or_else(|| "aif-c01".to_string()))
}

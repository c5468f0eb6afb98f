//! A deleted channel takes its daily question with it. Discord tells the bot (CHANNEL_DELETE,
//! under the GUILDS intent it already has), and the channel's schedule is removed, so
//! `/daily list` does not keep a schedule whose channel no admin can pick any more. Past
//! questions, answers and scores stay.

use poise::serenity_prelude as serenity;

use super::context::Data;

pub async fn on_channel_delete(data: &Data, channel: &serenity::GuildChannel) {
    let (guild, channel) = (channel.guild_id.get(), channel.id.get());
    match data.engine.remove_schedule(guild, channel).await {
        Ok(true) => tracing::info!(
            guild,
            channel,
            "the channel was deleted: its daily question was removed"
        ),
        Ok(false) => {}
        Err(error) => tracing::warn!(
            guild,
            channel,
            %error,
            "could not remove the daily question of a deleted channel"
        ),
    }
}

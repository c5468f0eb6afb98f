//! Acting as a member: slash commands, autocomplete, button clicks and select choices, each
//! sent to the bot as a complete INTERACTION_CREATE.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::messages::EPHEMERAL;
use super::objects::{self, ATTACHMENT_SIZE_LIMIT};
use super::options::command_data;
use super::spec::{BOT_PERMISSIONS, SEND_MESSAGES, VIEW_CHANNEL};
use super::state::{InteractionRecord, State};
use super::{FakeDiscord, Interaction, APPLICATION_ID};

/// How long an interaction waits for a connected bot before it is sent anyway (a later
/// RESUME replays it).
const CONNECT_WAIT: Duration = Duration::from_secs(10);

impl FakeDiscord {
    /// `/command` as `user` in `channel` of `guild` (guild 0: the user's DM with the bot).
    /// `command` is the name path ("daily setup"); `options` a JSON object of option values.
    pub async fn slash(&self, guild: u64, channel: u64, user: u64, command: &str, options: Value) -> Interaction {
        self.wait_for_ready(CONNECT_WAIT).await;
        self.with_state(|s| {
            let data = command_data(s, guild, user, command, &options, None);
            s.new_interaction(2, guild, channel, user, command, data, None)
        })
    }

    /// Autocomplete for `/command` while the user types in option `focused`.
    pub async fn autocomplete(
        &self,
        guild: u64,
        channel: u64,
        user: u64,
        command: &str,
        options: Value,
        focused: &str,
    ) -> Interaction {
        self.wait_for_ready(CONNECT_WAIT).await;
        self.with_state(|s| {
            let data = command_data(s, guild, user, command, &options, Some(focused));
            s.new_interaction(4, guild, channel, user, command, data, None)
        })
    }

    /// A click on the button `custom_id` of message `message_id`.
    pub async fn click(&self, guild: u64, channel: u64, user: u64, message_id: u64, custom_id: &str) -> Interaction {
        let data = json!({"custom_id": custom_id, "component_type": 2});
        self.component(guild, channel, user, message_id, data).await
    }

    /// A choice of `values` in the string select `custom_id` of message `message_id`.
    pub async fn select(
        &self,
        guild: u64,
        channel: u64,
        user: u64,
        message_id: u64,
        custom_id: &str,
        values: &[&str],
    ) -> Interaction {
        let data = json!({"custom_id": custom_id, "component_type": 3, "values": values});
        self.component(guild, channel, user, message_id, data).await
    }

    async fn component(&self, guild: u64, channel: u64, user: u64, message_id: u64, data: Value) -> Interaction {
        self.wait_for_ready(CONNECT_WAIT).await;
        self.with_state(|s| {
            let message = s
                .messages
                .get(&message_id)
                .unwrap_or_else(|| panic!("fake Discord: no message {message_id} to interact with"));
            assert_eq!(
                message["channel_id"],
                channel.to_string(),
                "fake Discord: message {message_id} is not in channel {channel}"
            );
            if message["flags"].as_u64().unwrap_or(0) & EPHEMERAL != 0 {
                let owner = &message["interaction_metadata"]["user"]["id"];
                assert_eq!(
                    *owner,
                    user.to_string(),
                    "fake Discord: user {user} cannot see the ephemeral message {message_id}"
                );
            }
            let name = data["custom_id"].as_str().unwrap_or_default().to_string();
            s.new_interaction(3, guild, channel, user, &name, data, Some(message_id))
        })
    }
}

impl State {
    /// Records an interaction and dispatches its INTERACTION_CREATE.
    #[allow(clippy::too_many_arguments)]
    fn new_interaction(
        &mut self,
        kind: u8,
        guild: u64,
        channel: u64,
        user: u64,
        name: &str,
        data: Value,
        source_message: Option<u64>,
    ) -> Interaction {
        let id = self.next_id();
        let token = format!("aW50ZXJhY3Rpb246{id:x}.fake-token");
        let mut payload = json!({
            "id": id.to_string(),
            "application_id": APPLICATION_ID.to_string(),
            "type": kind,
            "data": data,
            "channel_id": channel.to_string(),
            "token": token,
            "version": 1,
            "locale": "en-US",
            "entitlements": [],
            "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
        });
        if guild == 0 {
            let user_object = self
                .user_object(user)
                .unwrap_or_else(|| panic!("fake Discord: user {user} is not in the world"));
            assert!(
                self.dm_recipient(channel) == Some(user),
                "fake Discord: channel {channel} is not the DM channel of user {user}"
            );
            payload["user"] = user_object.clone();
            payload["channel"] = json!({"id": channel.to_string(), "type": 1, "recipients": [user_object], "flags": 0});
            payload["context"] = json!(1);
            payload["authorizing_integration_owners"] = json!({"0": "0"});
            payload["app_permissions"] = json!(BOT_PERMISSIONS.to_string());
        } else {
            let spec = self
                .guilds
                .get(&guild)
                .unwrap_or_else(|| panic!("fake Discord: no guild {guild} in the world"));
            let member = spec
                .find_member(user)
                .unwrap_or_else(|| panic!("fake Discord: user {user} is not a member of guild {guild}"));
            let (position, channel_spec) = spec
                .find_channel(channel)
                .unwrap_or_else(|| panic!("fake Discord: guild {guild} has no channel {channel}"));
            let permissions = spec.permissions_of(user).to_string();
            let mut member_object = objects::member(member);
            member_object["permissions"] = json!(permissions);
            let mut channel_object = objects::guild_channel(guild, channel_spec, position, self.last_message_in(channel));
            channel_object["permissions"] = json!(permissions);
            let app_permissions = if self.denied.contains(&channel) {
                BOT_PERMISSIONS & !(VIEW_CHANNEL | SEND_MESSAGES)
            } else {
                BOT_PERMISSIONS
            };
            payload["guild_id"] = json!(guild.to_string());
            payload["guild"] = json!({"id": guild.to_string(), "locale": "en-US", "features": []});
            payload["guild_locale"] = json!("en-US");
            payload["member"] = member_object;
            payload["channel"] = channel_object;
            payload["context"] = json!(0);
            payload["authorizing_integration_owners"] = json!({"0": guild.to_string()});
            payload["app_permissions"] = json!(app_permissions.to_string());
        }
        if let Some(message) = source_message {
            payload["message"] = self.messages[&message].clone();
        }
        self.tokens.insert(token.clone(), id);
        self.interactions.insert(
            id,
            InteractionRecord {
                id,
                token: token.clone(),
                user,
                guild: (guild != 0).then_some(guild),
                channel,
                kind,
                name: name.to_string(),
                source_message,
                dispatched_at: Some(Instant::now()),
                callback: None,
                callback_at: None,
                original: None,
                followups: Vec::new(),
                followup_ids: Vec::new(),
            },
        );
        self.dispatch("INTERACTION_CREATE", payload);
        Interaction { id, token, user }
    }
}

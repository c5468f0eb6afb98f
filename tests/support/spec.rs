//! The world the fake Discord serves: guilds, their channels, roles and members, and how a
//! member's permissions follow from their roles.

/// The user who owns a guild unless `GuildSpec::owner` says otherwise (not a member).
pub const DEFAULT_OWNER_ID: u64 = 100_000_000_000_000_009;

pub const ADMINISTRATOR: u64 = 1 << 3;
pub const MANAGE_GUILD: u64 = 1 << 5;
pub const ADD_REACTIONS: u64 = 1 << 6;
pub const VIEW_CHANNEL: u64 = 1 << 10;
pub const SEND_MESSAGES: u64 = 1 << 11;
pub const EMBED_LINKS: u64 = 1 << 14;
pub const ATTACH_FILES: u64 = 1 << 15;
pub const READ_MESSAGE_HISTORY: u64 = 1 << 16;
pub const USE_EXTERNAL_EMOJIS: u64 = 1 << 18;
pub const USE_APPLICATION_COMMANDS: u64 = 1 << 31;
pub const SEND_MESSAGES_IN_THREADS: u64 = 1 << 38;
/// Every permission bit Discord defines today.
pub const ALL_PERMISSIONS: u64 = (1 << 51) - 1;
/// What the bot's managed role grants (a typical invite link's permissions).
pub const BOT_PERMISSIONS: u64 = VIEW_CHANNEL
    | SEND_MESSAGES
    | EMBED_LINKS
    | ATTACH_FILES
    | READ_MESSAGE_HISTORY
    | USE_EXTERNAL_EMOJIS
    | ADD_REACTIONS
    | USE_APPLICATION_COMMANDS
    | SEND_MESSAGES_IN_THREADS;
/// What @everyone may do in a new guild.
pub const EVERYONE_PERMISSIONS: u64 = VIEW_CHANNEL | SEND_MESSAGES;

#[derive(Clone, Debug)]
pub struct GuildSpec {
    pub id: u64,
    pub name: String,
    pub owner_id: u64,
    pub channels: Vec<ChannelSpec>,
    pub roles: Vec<RoleSpec>,
    pub members: Vec<MemberSpec>,
}

#[derive(Clone, Debug)]
pub struct ChannelSpec {
    pub id: u64,
    pub name: String,
}

#[derive(Clone, Debug)]
pub struct RoleSpec {
    pub id: u64,
    pub name: String,
    pub permissions: u64,
}

#[derive(Clone, Debug)]
pub struct MemberSpec {
    pub user_id: u64,
    pub username: String,
    pub display_name: String,
    pub roles: Vec<u64>,
}

impl GuildSpec {
    /// A guild with only the @everyone role (id = guild id, VIEW_CHANNEL | SEND_MESSAGES).
    pub fn new(id: u64, name: impl Into<String>) -> GuildSpec {
        GuildSpec {
            id,
            name: name.into(),
            owner_id: DEFAULT_OWNER_ID,
            channels: Vec::new(),
            roles: vec![RoleSpec {
                id,
                name: "@everyone".into(),
                permissions: EVERYONE_PERMISSIONS,
            }],
            members: Vec::new(),
        }
    }

    pub fn channel(mut self, id: u64, name: impl Into<String>) -> GuildSpec {
        self.channels.push(ChannelSpec {
            id,
            name: name.into(),
        });
        self
    }

    /// Adds a role, or replaces the one with the same id (use the guild id for @everyone).
    pub fn role(mut self, id: u64, name: impl Into<String>, permissions: u64) -> GuildSpec {
        let role = RoleSpec {
            id,
            name: name.into(),
            permissions,
        };
        match self.roles.iter_mut().find(|r| r.id == id) {
            Some(existing) => *existing = role,
            None => self.roles.push(role),
        }
        self
    }

    /// Adds a member whose username and display name are both `name`.
    pub fn member(self, user_id: u64, name: impl Into<String>, roles: Vec<u64>) -> GuildSpec {
        let name = name.into();
        self.member_spec(MemberSpec {
            user_id,
            username: name.clone(),
            display_name: name,
            roles,
        })
    }

    pub fn member_spec(mut self, member: MemberSpec) -> GuildSpec {
        self.members.retain(|m| m.user_id != member.user_id);
        self.members.push(member);
        self
    }

    pub fn owner(mut self, user_id: u64) -> GuildSpec {
        self.owner_id = user_id;
        self
    }

    pub fn find_member(&self, user_id: u64) -> Option<&MemberSpec> {
        self.members.iter().find(|m| m.user_id == user_id)
    }

    pub fn find_channel(&self, channel_id: u64) -> Option<(usize, &ChannelSpec)> {
        self.channels.iter().enumerate().find(|(_, c)| c.id == channel_id)
    }

    /// Guild-wide permissions of a user: the owner and ADMINISTRATOR have everything, others
    /// the OR of @everyone and their roles.
    pub fn permissions_of(&self, user_id: u64) -> u64 {
        if user_id == self.owner_id {
            return ALL_PERMISSIONS;
        }
        let roles = self.find_member(user_id).map(|m| m.roles.as_slice()).unwrap_or(&[]);
        let permissions = self
            .roles
            .iter()
            .filter(|r| r.id == self.id || roles.contains(&r.id))
            .fold(0, |acc, r| acc | r.permissions);
        if permissions & ADMINISTRATOR != 0 {
            ALL_PERMISSIONS
        } else {
            permissions
        }
    }
}

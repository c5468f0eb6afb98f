//! The world a test builds: guilds with channels, roles and members.

#[derive(Debug, Clone)]
pub struct ChannelSpec {
    pub id: u64,
    pub name: String,
}

#[derive(Debug, Clone)]
pub struct RoleSpec {
    pub id: u64,
    pub name: String,
    pub permissions: u64,
}

#[derive(Debug, Clone)]
pub struct MemberSpec {
    pub user_id: u64,
    pub username: String,
    pub display_name: String,
    pub roles: Vec<u64>,
}

#[derive(Debug, Clone)]
pub struct GuildSpec {
    pub id: u64,
    pub name: String,
    pub owner_id: u64,
    pub channels: Vec<ChannelSpec>,
    pub roles: Vec<RoleSpec>,
    pub members: Vec<MemberSpec>,
}

/// VIEW_CHANNEL | SEND_MESSAGES | READ_MESSAGE_HISTORY | USE_APPLICATION_COMMANDS
pub const EVERYONE_PERMISSIONS: u64 = (1 << 10) | (1 << 11) | (1 << 16) | (1 << 31);
pub const ADMINISTRATOR: u64 = 1 << 3;
pub const ALL_PERMISSIONS: u64 = (1 << 50) - 1;

impl GuildSpec {
    /// A guild whose @everyone role (id = guild id) can view and send; the owner is user 1.
    pub fn new(id: u64, name: &str) -> GuildSpec {
        GuildSpec {
            id,
            name: name.to_string(),
            owner_id: 1,
            channels: Vec::new(),
            roles: vec![RoleSpec {
                id,
                name: "@everyone".into(),
                permissions: EVERYONE_PERMISSIONS,
            }],
            members: Vec::new(),
        }
    }

    pub fn channel(mut self, id: u64, name: &str) -> GuildSpec {
        self.channels.push(ChannelSpec {
            id,
            name: name.to_string(),
        });
        self
    }

    pub fn role(mut self, id: u64, name: &str, permissions: u64) -> GuildSpec {
        self.roles.push(RoleSpec {
            id,
            name: name.to_string(),
            permissions,
        });
        self
    }

    /// A member whose username and display name are both `name`.
    pub fn member(mut self, user_id: u64, name: &str, roles: Vec<u64>) -> GuildSpec {
        self.members.push(MemberSpec {
            user_id,
            username: name.to_string(),
            display_name: name.to_string(),
            roles,
        });
        self
    }

    pub fn member_spec(&self, user: u64) -> MemberSpec {
        self.members
            .iter()
            .find(|m| m.user_id == user)
            .cloned()
            .unwrap_or_else(|| MemberSpec {
                user_id: user,
                username: format!("user{user}"),
                display_name: format!("user{user}"),
                roles: Vec::new(),
            })
    }

    /// What Discord computes for `member.permissions` in an interaction.
    pub fn permissions_of(&self, user: u64) -> u64 {
        if user == self.owner_id {
            return ALL_PERMISSIONS;
        }
        let member = self.member_spec(user);
        let bits = self
            .roles
            .iter()
            .filter(|r| r.id == self.id || member.roles.contains(&r.id))
            .fold(0, |bits, r| bits | r.permissions);
        if bits & ADMINISTRATOR != 0 {
            ALL_PERMISSIONS
        } else {
            bits
        }
    }
}

//! Which gateway shards a process serves. Discord sends a guild's events to shard
//! `(guild_id >> 22) % total`; a bot past a few thousand guilds runs several processes, each
//! holding a contiguous range of shards, and each process does the timed work (posting,
//! closing, settling) of the guilds on its shards only.

use std::fmt;
use std::str::FromStr;

/// Shards FIRST to LAST (inclusive) of TOTAL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShardRange {
    pub first: u32,
    pub last: u32,
    pub total: u32,
}

impl ShardRange {
    /// The shard Discord routes a guild to.
    pub fn shard_of(guild: u64, total: u32) -> u32 {
        ((guild >> 22) % u64::from(total.max(1))) as u32
    }

    pub fn contains(&self, guild: u64) -> bool {
        (self.first..=self.last).contains(&ShardRange::shard_of(guild, self.total))
    }

    /// The process that registers the slash commands: exactly one, the holder of shard 0.
    pub fn holds_shard_zero(&self) -> bool {
        self.first == 0
    }

    pub fn count(&self) -> u32 {
        self.last - self.first + 1
    }
}

impl fmt::Display for ShardRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}/{}", self.first, self.last, self.total)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("shards must be FIRST-LAST/TOTAL with FIRST <= LAST < TOTAL, such as 0-3/8 (or N/TOTAL for one shard); got {0:?}")]
pub struct BadShardRange(pub String);

impl FromStr for ShardRange {
    type Err = BadShardRange;

    fn from_str(text: &str) -> Result<ShardRange, BadShardRange> {
        let bad = || BadShardRange(text.to_string());
        let (range, total) = text.trim().split_once('/').ok_or_else(bad)?;
        let (first, last) = range.split_once('-').unwrap_or((range, range));
        let number = |part: &str| part.trim().parse::<u32>().map_err(|_| bad());
        let range = ShardRange {
            first: number(first)?,
            last: number(last)?,
            total: number(total)?,
        };
        if range.first > range.last || range.last >= range.total {
            return Err(bad());
        }
        Ok(range)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_parse_and_bad_ones_are_refused() {
        let range: ShardRange = "2-5/8".parse().unwrap();
        assert_eq!((range.first, range.last, range.total), (2, 5, 8));
        assert_eq!(range.count(), 4);
        assert_eq!(range.to_string(), "2-5/8");
        assert_eq!("3/4".parse::<ShardRange>().unwrap().count(), 1);
        for bad in ["", "1-2", "2-1/4", "0-4/4", "a-b/c", "0-1/0", "-1-2/4"] {
            assert!(bad.parse::<ShardRange>().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn guilds_go_to_the_shard_discord_routes_them_to() {
        // shard = (guild_id >> 22) % total: the id's top bits are its creation time.
        let guild = 197_038_439_483_310_086;
        assert_eq!(guild >> 22, 46_977_624_770);
        assert_eq!(ShardRange::shard_of(guild, 2), 0);
        assert!("0-0/2".parse::<ShardRange>().unwrap().contains(guild));
        assert!(!"1-1/2".parse::<ShardRange>().unwrap().contains(guild));
        assert!(ShardRange::shard_of(guild + (1 << 22), 2) == 1);
    }
}

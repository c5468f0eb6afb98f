//! One injectable source of chance. Seeded in tests (and for duels, so both players get the same
//! questions); seeded from the OS otherwise.

use std::sync::Mutex;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

pub struct RandomSource(Mutex<ChaCha8Rng>);

impl RandomSource {
    pub fn seeded(seed: u64) -> RandomSource {
        RandomSource(Mutex::new(ChaCha8Rng::seed_from_u64(seed)))
    }

    pub fn from_os() -> RandomSource {
        RandomSource(Mutex::new(ChaCha8Rng::from_os_rng()))
    }

    pub fn with<T>(&self, draw: impl FnOnce(&mut ChaCha8Rng) -> T) -> T {
        draw(&mut self.0.lock().unwrap())
    }

    /// A fresh seed, for a sub-source that must be reproducible on its own (a duel's question pick).
    pub fn next_seed(&self) -> u64 {
        self.with(rand::Rng::random)
    }
}

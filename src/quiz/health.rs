//! What the health check and the metrics listener ask the engine.

use super::{Engine, QuizResult};

impl Engine {
    /// Fails unless the database takes a committed write now.
    pub async fn probe_write(&self) -> QuizResult<()> {
        Ok(self.store.probe_write(self.now()).await?)
    }

    /// How many closed questions still owe their reveal.
    pub async fn reveals_owed(&self) -> QuizResult<u64> {
        Ok(self.store.count_owed_reveals().await?)
    }
}

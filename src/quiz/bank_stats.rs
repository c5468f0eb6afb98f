//! The admins' view of the bank: item statistics from every mode's answers, and the queue of
//! members' question reports (resolving one).

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::item_stats::{self, ItemStats, Member, MemberItem, ResponseCount};
use super::{Engine, QuizResult};
use crate::bank::{Kind, Response};
use crate::quiz::grading::is_correct;
use crate::store::{RecordedResponses, Snowflake};

/// What pressing "resolve" on a report did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReportResolution {
    Resolved,
    /// Someone resolved it before (who, when).
    AlreadyResolved {
        by: Snowflake,
        at: DateTime<Utc>,
    },
    /// No such report in this guild.
    NotFound,
}

impl Engine {
    /// Statistics of every answered item of one guild (or of all guilds with `None`), for one
    /// exam or all. Answers in every mode count; see `item_stats` for what each figure means.
    pub async fn item_stats(
        &self,
        guild: Option<Snowflake>,
        exam: Option<&str>,
    ) -> QuizResult<Vec<ItemStats>> {
        let mut responses: HashMap<(String, String, bool), ResponseCount> = HashMap::new();
        let mut members: HashMap<(Member, String), MemberItem> = HashMap::new();
        let mut add_response = |count: ResponseCount| {
            let response = self.normalised(&count.item, &count.response);
            responses
                .entry((count.item.clone(), response.clone(), count.correct))
                .and_modify(|c| c.count += count.count)
                .or_insert(ResponseCount { response, ..count });
        };
        for count in self.store.post_response_counts(guild).await? {
            add_response(ResponseCount {
                correct: self.marked_now(&count.question_id, &count.choice, count.correct),
                item: count.question_id,
                exam: count.exam,
                response: count.choice,
                count: count.count,
            });
        }
        let mut add_member = |answers: MemberItem| {
            members
                .entry((answers.member, answers.item.clone()))
                .and_modify(|m| m.merge(&answers))
                .or_insert(answers);
        };
        for answers in self.store.post_member_items(guild).await? {
            let correct = self.marked_now(&answers.question_id, &answers.choice, answers.correct);
            add_member(MemberItem {
                member: (answers.guild_id, answers.user_id),
                exam: answers.exam,
                item: answers.question_id,
                answered: answers.answered,
                correct: if correct { answers.answered } else { 0 },
                first_correct: correct,
                first_at: answers.first_at,
            });
        }
        let mut recorded = self.store.sprint_responses(guild).await?;
        recorded.extend(self.store.mock_responses(guild).await?);
        for (answer, member) in recorded.iter().flat_map(|r| self.marked(r)) {
            add_response(answer);
            add_member(member);
        }
        let responses: Vec<ResponseCount> = responses.into_values().collect();
        let members: Vec<MemberItem> = members.into_values().collect();
        let mut stats = item_stats::item_stats(&responses, &members, |id| {
            self.bank.question(id).map(|q| q.as_ref())
        });
        if let Some(exam) = exam {
            stats.retain(|item| item.exam == exam);
        }
        Ok(stats)
    }

    /// Whether a recorded response is right against the item's key as the bank holds it now,
    /// so an admin who fixed a key sees the answers counted by the fixed key; an item no
    /// longer in the bank keeps the marking it had.
    fn marked_now(&self, item: &str, choice: &str, marked_then: bool) -> bool {
        match (self.bank.question(item), choice.parse::<Response>()) {
            (Some(question), Ok(response)) => is_correct(question, &response),
            _ => marked_then,
        }
    }

    /// A multiple-response item's letters in order, so "CA" and "AC" count as one response.
    fn normalised(&self, item: &str, response: &str) -> String {
        match self.bank.question(item) {
            Some(question) if question.kind == Kind::Multiple => {
                let mut letters: Vec<char> = response.chars().collect();
                letters.sort_unstable();
                letters.into_iter().collect()
            }
            _ => response.to_string(),
        }
    }

    /// A sprint's or mock's responses, marked against the bank: each answer once, as a count of
    /// one and as one member's answer. Blank responses and items no longer in the bank are left out.
    fn marked(&self, recorded: &RecordedResponses) -> Vec<(ResponseCount, MemberItem)> {
        recorded
            .question_ids
            .iter()
            .zip(&recorded.responses)
            .enumerate()
            .filter(|(_, (_, letters))| !letters.is_empty())
            .filter_map(|(index, (id, letters))| {
                let question = self.bank.question(id)?;
                let correct = letters
                    .parse::<Response>()
                    .is_ok_and(|response| is_correct(question, &response));
                let answer = ResponseCount {
                    item: id.clone(),
                    exam: question.exam.clone(),
                    response: letters.clone(),
                    correct,
                    count: 1,
                };
                let member = MemberItem {
                    member: (recorded.guild_id, recorded.user_id),
                    exam: question.exam.clone(),
                    item: id.clone(),
                    answered: 1,
                    correct: u32::from(correct),
                    first_correct: correct,
                    // Items of one sprint or attempt come in order.
                    first_at: recorded.at + index as i64,
                };
                Some((answer, member))
            })
            .collect()
    }

    /// Marks a member's question report resolved by `by`, in this guild only.
    pub async fn resolve_report(
        &self,
        guild: Snowflake,
        flag_id: i64,
        by: Snowflake,
    ) -> QuizResult<ReportResolution> {
        if self
            .store
            .resolve_flag(guild, flag_id, by, self.now())
            .await?
        {
            return Ok(ReportResolution::Resolved);
        }
        Ok(match self.store.flag_resolution(guild, flag_id).await? {
            Some((by, at)) => ReportResolution::AlreadyResolved { by, at },
            None => ReportResolution::NotFound,
        })
    }
}

-- Who marked a member's question report resolved (with resolved_at, from /bank reports).
ALTER TABLE question_flags ADD COLUMN resolved_by INTEGER;

package workflow

// Standard returns the default permit workflow: the resident drafts and
// submits, an officer reviews and approves, rejects or sends it back for
// corrections, and the resident may withdraw until a decision is made.
// Labels use plain, short words because many readers are elderly.
func Standard() Definition {
	return Definition{States: standardStates(), Actions: standardActions()}
}

func standardStates() []State {
	return []State{
		{Name: "draft", Start: true, ResidentEdits: true,
			Labels: Labels{"id": "Draf", "ja": "下書き", "en": "Draft"}},
		// One day to pick a submission up, so none lies unseen in the inbox.
		{Name: "submitted", SLADays: 1,
			Labels: Labels{"id": "Terkirim", "ja": "提出済み", "en": "Submitted"}},
		{Name: "in_review", SLADays: 3,
			Labels: Labels{"id": "Sedang diperiksa", "ja": "審査中", "en": "In review"}},
		// No clock: the office is waiting for the resident, not the other way round.
		{Name: "sent_back", ResidentEdits: true,
			Labels: Labels{"id": "Dikembalikan untuk diperbaiki", "ja": "差し戻し中", "en": "Sent back to you"}},
		{Name: "approved", End: true, Outcome: Approved,
			Labels: Labels{"id": "Disetujui", "ja": "承認", "en": "Approved"}},
		{Name: "rejected", End: true, Outcome: Rejected,
			Labels: Labels{"id": "Ditolak", "ja": "却下", "en": "Rejected"}},
		{Name: "withdrawn", End: true, Outcome: Withdrawn,
			Labels: Labels{"id": "Dibatalkan", "ja": "取り下げ", "en": "Withdrawn"}},
	}
}

func standardActions() []Action {
	staff := []string{Officer, Admin}
	return []Action{
		// Officers submit too: at the counter they fill in an application
		// on the resident's behalf (the "no-writing counter").
		{Name: "submit", From: []string{"draft"}, To: "submitted", Roles: []string{Resident, Officer},
			Labels: Labels{"id": "Kirim", "ja": "提出する", "en": "Submit"}},
		{Name: "start_review", From: []string{"submitted"}, To: "in_review", Roles: staff,
			Labels: Labels{"id": "Mulai periksa", "ja": "審査を始める", "en": "Start review"}},
		// The resident must be told what to fix, hence the comment.
		{Name: "send_back", From: []string{"submitted", "in_review"}, To: "sent_back", Roles: staff, CommentRequired: true,
			Labels: Labels{"id": "Kembalikan ke pemohon", "ja": "申請者に差し戻す", "en": "Send back to applicant"}},
		{Name: "resubmit", From: []string{"sent_back"}, To: "submitted", Roles: []string{Resident},
			Labels: Labels{"id": "Kirim ulang", "ja": "再提出する", "en": "Submit again"}},
		{Name: "approve", From: []string{"in_review"}, To: "approved", Roles: staff,
			Labels: Labels{"id": "Setujui", "ja": "承認する", "en": "Approve"}},
		// A refusal must give its reason (good administration; it can be appealed).
		{Name: "reject", From: []string{"in_review"}, To: "rejected", Roles: staff, CommentRequired: true,
			Labels: Labels{"id": "Tolak", "ja": "却下する", "en": "Reject"}},
		{Name: "withdraw", From: []string{"draft", "submitted", "in_review", "sent_back"}, To: "withdrawn", Roles: []string{Resident},
			Labels: Labels{"id": "Batalkan", "ja": "取り下げる", "en": "Withdraw"}},
	}
}

//! The 推进机制 screen's writes: a refusal about what was typed is said on the screen, any
//! other in the status bar; once done, the screen reloads and the form that was sent starts
//! afresh.

use super::App;
use crate::command::RhythmCommand;
use crate::ui::page::Page;

impl App {
    pub(super) fn rhythm(&mut self, command: RhythmCommand) {
        let Some(store) = self.store.as_mut() else {
            return;
        };
        let result = match &command {
            RhythmCommand::AddReport(report) => store.add_daily_report(report).map(drop),
            RhythmCommand::Resolve { id, on, resolution } => {
                store.resolve_matters(id, *on, resolution)
            }
            RhythmCommand::DeleteReport(id) => store.delete_daily_report(id),
            RhythmCommand::AddMeeting(meeting) => store.add_meeting(meeting).map(drop),
            RhythmCommand::CloseAction { id, on } => store.close_action(id, *on),
            RhythmCommand::SetRoute { month, stops } => store.set_observation_route(*month, stops),
            RhythmCommand::SaveScore { quarter, score } => {
                store.save_quarter_score(*quarter, score)
            }
            RhythmCommand::SetRule { rule, value } => store.set_policy_rule(*rule, value),
        };
        match result {
            Ok(()) => {
                self.info(command.done_text());
                self.reload();
                if let Page::Rhythm(view) = &mut self.page {
                    view.saved(&command);
                }
            }
            Err(e) if e.is_about_the_input() => match &mut self.page {
                Page::Rhythm(view) => view.problem = Some(e.to_string()),
                _ => self.error(e.to_string()),
            },
            Err(e) => self.error(e.to_string()),
        }
    }
}

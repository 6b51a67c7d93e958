//! Each compound's programme steps in the app: the step form, and evidence files read on the
//! `evidence-read` thread.

use std::path::PathBuf;

use super::App;
use super::command_handling::today;
use super::jobs::JobKind;
use crate::model::CompoundId;
use crate::model::funding::Works;
use crate::model::programme::Step;
use crate::store::programme::MAX_EVIDENCE_BYTES;
use crate::ui::Dialog;
use crate::ui::step_form::StepForm;

impl App {
    /// Keeps the targets as a new version, named by the user.
    pub(super) fn save_target(&mut self, target: &crate::model::progress::Target, version: &str) {
        if self
            .with_store_mut(|s| s.save_target(target, version))
            .is_some()
        {
            self.info(format!("目标任务已记为新版本“{version}”。"));
            self.reload();
            if let crate::ui::page::Page::Progress(view) = &mut self.page {
                view.target_form = Default::default();
            }
        }
    }

    pub(super) fn new_funding(&mut self, whose: crate::store::funding::Funded) {
        let year = chrono::Datelike::year(&today());
        let Some(rule) = self.read_store(|s| {
            let pack = s.policy_pack()?;
            Ok((pack.funding_cap(), Works::of_pack(&pack.meta.funding)))
        }) else {
            return;
        };
        let form = crate::ui::funding_form::FundingForm::new(whose, year, rule);
        self.dialog = Some(Dialog::Funding(Box::new(form)));
    }

    pub(super) fn new_evaluation(&mut self, compound: CompoundId) {
        let Some(programme) = self.read_store(|s| s.programme()) else {
            return;
        };
        let basis = programme
            .evaluation_step()
            .map(|s| format!("{} {}", programme.plan, s.phase().clause()))
            .unwrap_or_else(|| programme.plan.clone());
        let form = crate::ui::step_form::EvaluationForm::new(compound, basis, today());
        self.dialog = Some(Dialog::Evaluation(Box::new(form)));
    }

    pub(super) fn clear_step(&mut self, compound: CompoundId, step: Step) {
        self.dialog = None;
        self.write(|s| s.clear_step(compound, step));
    }

    pub(super) fn edit_step(&mut self, compound: CompoundId, step: Step) {
        if let Some(steps) = self.read_store(|s| s.steps_of(compound)) {
            let record = steps.iter().find(|r| r.step == step);
            let form = StepForm::new(compound, step, record, today());
            self.dialog = Some(Dialog::Step(Box::new(form)));
        }
    }

    pub(super) fn save_step(&mut self) {
        let Some(Dialog::Step(form)) = &mut self.dialog else {
            return;
        };
        let record = match form.record() {
            Ok(record) => record,
            Err(problem) => {
                form.problem = Some(problem);
                return;
            }
        };
        let compound = form.compound;
        let done = format!("已登记“{}”。", record.step.label());
        self.form_write(
            |s| s.record_step(compound, &record, today()),
            done,
            |d, problem| {
                if let Dialog::Step(form) = d {
                    form.problem = Some(problem);
                }
            },
        );
    }

    pub(super) fn save_evaluation(&mut self) {
        let Some(Dialog::Evaluation(form)) = &mut self.dialog else {
            return;
        };
        let evaluation = match form.evaluation() {
            Ok(e) => e,
            Err(problem) => {
                form.problem = Some(problem);
                return;
            }
        };
        let compound = form.compound;
        let done = format!("已记录物业服务评价：{} 分。", evaluation.score);
        self.form_write(
            |s| s.add_evaluation(compound, &evaluation, today()),
            done,
            |d, problem| {
                if let Dialog::Evaluation(form) = d {
                    form.problem = Some(problem);
                }
            },
        );
    }

    pub(super) fn save_funding(&mut self) {
        let Some(Dialog::Funding(form)) = &mut self.dialog else {
            return;
        };
        let funding = match form.funding() {
            Ok(f) => f,
            Err(problem) => {
                form.problem = Some(problem);
                return;
            }
        };
        let whose = form.whose;
        let done = format!(
            "已登记{} {}。",
            funding.source.label(),
            crate::model::funding::yuan_text(funding.amount_fen)
        );
        self.form_write(
            |s| s.add_funding(whose, &funding),
            done,
            |d, problem| {
                if let Dialog::Funding(form) = d {
                    form.problem = Some(problem);
                }
            },
        );
    }

    /// A form's write: on success the dialog closes, `done` is said and the page reloads; a
    /// refusal about what was typed is said in the form (`say`), any other in the status bar.
    fn form_write(
        &mut self,
        write: impl FnOnce(&mut crate::store::Store) -> Result<(), crate::store::StoreError>,
        done: String,
        say: fn(&mut Dialog, String),
    ) {
        let Some(store) = self.store.as_mut() else {
            return;
        };
        match write(store) {
            Ok(()) => {
                self.dialog = None;
                self.info(done);
                self.reload();
            }
            Err(e) if e.is_about_the_input() => {
                if let Some(dialog) = &mut self.dialog {
                    say(dialog, e.to_string());
                }
            }
            Err(e) => self.error(e.to_string()),
        }
    }

    pub(super) fn start_evidence_read(&mut self, compound: CompoundId, step: Step, path: PathBuf) {
        self.dialog = None;
        if self.jobs.has(JobKind::EvidenceRead) {
            self.error("上一个证据文件仍在读取，请稍候。");
            return;
        }
        let file_name = crate::import::file_name_of(&path);
        self.spawn_job(
            JobKind::EvidenceRead,
            "evidence-read",
            "正在读取证据文件…",
            0,
            false,
            move |_| -> Result<Vec<u8>, String> {
                let size = std::fs::metadata(&path)
                    .map_err(|e| format!("无法读取“{}”：{e}", path.display()))?
                    .len();
                if size > MAX_EVIDENCE_BYTES as u64 {
                    return Err(format!(
                        "“{}”超过 20 MB：请缩小或分页扫描后再添加。",
                        path.display()
                    ));
                }
                std::fs::read(&path).map_err(|e| format!("无法读取“{}”：{e}", path.display()))
            },
            move |app, read| match read {
                Ok(Ok(bytes)) => {
                    if app
                        .with_store_mut(|s| s.add_evidence(compound, step, &file_name, &bytes))
                        .is_some()
                    {
                        app.info(format!("已添加证据“{file_name}”。"));
                        app.reload();
                    }
                }
                Ok(Err(problem)) => app.error(problem),
                Err(lost) => app.error(lost.to_string()),
            },
        );
    }
}

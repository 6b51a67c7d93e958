//! An inspection round in the app: starting one, the results, remarks and rectifications
//! (each saved beside the item it was made on, its error said there), the signatures and the
//! sign-off.

use super::App;
use super::command_handling::today;
use crate::model::inspection::default_parties;
use crate::model::{InspectionDraft, InspectionId, ItemResult, SignMethod, Subject};
use crate::ui::checklist::Spot;
use crate::ui::inspection_form::InspectionForm;
use crate::ui::{Dialog, Page};

impl App {
    /// Opens the form of a new round, with the parties the plan lists and the user's own unit
    /// and name (settings).
    pub(super) fn new_inspection(&mut self, subject: Subject) {
        let Some((town, pack)) = self.read_store(|s| Ok((s.town_of(subject)?, s.policy_pack()?)))
        else {
            return;
        };
        // The user's own unit takes part (settings), if no listed unit is it.
        let parties = crate::model::inspection::with_own_unit(
            default_parties(&pack.meta.units, subject, town.as_deref()),
            &self.settings.unit,
            &pack.meta.county.name,
        );
        let mut draft = InspectionDraft::new(subject, today(), &parties);
        // The user's own name, as the settings have it.
        draft.inspectors = self.settings.user_name.trim().to_owned();
        let basis = pack.acceptance_basis(match subject {
            Subject::Compound(_) => "compound",
            Subject::Cluster(_) => "cluster",
        });
        self.dialog = Some(Dialog::NewInspection(InspectionForm::new(draft, basis)));
    }

    pub(super) fn save_rectification(&mut self, inspection: InspectionId, code: String) {
        let ready = match &mut self.page {
            Page::Inspection(view) if view.inspection.id == inspection => {
                view.rectification_to_save(&code)
            }
            _ => None,
        };
        if let Some(r) = ready
            && self
                .write_at(inspection, Spot::Rectification(code), |s| {
                    s.save_rectification(&r)
                })
                .is_some()
        {
            self.info("已保存整改要求。");
            self.reload();
        }
    }

    pub(super) fn set_result(
        &mut self,
        inspection: InspectionId,
        code: String,
        result: Option<ItemResult>,
    ) {
        if self
            .write_at(inspection, Spot::Item(code.clone()), |s| {
                s.record_result(inspection, &code, result)
            })
            .is_some()
        {
            match &mut self.page {
                Page::Inspection(view) if view.inspection.id == inspection => {
                    view.result_saved(&code, result);
                }
                _ => self.reload(),
            }
        }
    }

    pub(super) fn set_remark(
        &mut self,
        inspection: InspectionId,
        code: String,
        before: &str,
        remark: String,
    ) {
        if self
            .write_at(inspection, Spot::Item(code.clone()), |s| {
                s.change_remark(inspection, &code, before, &remark)
            })
            .is_some()
        {
            match &mut self.page {
                Page::Inspection(view) if view.inspection.id == inspection => {
                    view.remark_saved(&code, &remark);
                }
                _ => self.reload(),
            }
        }
    }

    pub(super) fn sign(
        &mut self,
        inspection: InspectionId,
        position: u32,
        signer: &str,
        method: &SignMethod,
    ) {
        let spot = Spot::Party(position);
        let done = self.write_at(inspection, spot, |s| {
            s.sign(inspection, position, signer, method)
        });
        if done.is_some() {
            self.reload();
        }
    }

    pub(super) fn unsign(&mut self, inspection: InspectionId, position: u32) {
        let spot = Spot::Party(position);
        if self
            .write_at(inspection, spot, |s| s.unsign(inspection, position))
            .is_some()
        {
            self.reload();
        }
    }

    /// Asks before signing off, naming the round.
    pub(super) fn request_sign_off(&mut self, id: InspectionId) {
        let what = match &self.page {
            Page::Inspection(view) if view.inspection.id == id => format!(
                "“{}”{} 第 {} 轮的验收记录（{}）",
                view.subject_name,
                crate::model::date_text(view.inspection.inspected_on),
                view.inspection.round,
                view.verdict().label()
            ),
            _ => "这份验收记录".to_owned(),
        };
        self.dialog = Some(Dialog::ConfirmSignOff { id, what });
    }

    pub(super) fn sign_off(&mut self, id: InspectionId) {
        self.dialog = None;
        if let Some(seal) = self.write_at(id, Spot::Round, |s| s.sign_off(id)) {
            self.info(format!(
                "已完成签字并锁定。校验码：{}",
                crate::model::signoff::short_code(&seal)
            ));
            self.reload();
        }
    }
}

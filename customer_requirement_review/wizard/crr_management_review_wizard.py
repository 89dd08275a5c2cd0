from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError


class CrrManagementReviewWizard(models.TransientModel):
    """The management review pack (管理评审输入) of a period: the overview's figures, the period against the
    previous one of the same length, the open CAPA actions and the decisions needed, as a PDF or an XLSX, in
    the language chosen (the company's by default). Figures are those the user may see (record rules)."""

    _name = "crr.management.review.wizard"
    _description = "Management Review Pack"

    @api.model
    def _default_date_from(self):
        today = fields.Date.context_today(self)
        return (today.replace(day=1) - timedelta(days=1)).replace(day=1, month=1) if today.month == 1 \
            else today.replace(month=1, day=1)

    @api.model
    def _lang_selection(self):
        return self.env["res.lang"].get_installed()

    @api.model
    def _default_lang(self):
        installed = {code for code, _name in self._lang_selection()}
        for lang in (self.env.company._crr_form_lang(), self.env.user.lang):
            if lang in installed:
                return lang
        return "en_US"

    date_from = fields.Date(string="From", required=True, default=lambda self: self._default_date_from())
    date_to = fields.Date(string="To", required=True, default=fields.Date.context_today)
    lang = fields.Selection(
        _lang_selection, string="Language", required=True, default=lambda self: self._default_lang(),
        help="Language of the pack: the company's by default.",
    )

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for wizard in self:
            if wizard.date_from > wizard.date_to:
                raise ValidationError(self.env._("The period of the management review ends before it starts."))
            if (wizard.date_to - wizard.date_from).days > 3660:
                raise ValidationError(self.env._("The period of the management review is at most ten years."))

    # -- data ----------------------------------------------------------------------------------------
    def _crr_pack_data(self):
        """The pack's content, in the pack's language."""
        self.ensure_one()
        if self.env.user.share:
            raise UserError(self.env._("The management review pack is for internal users."))
        Overview = self.env["crr.overview"].with_context(lang=self.lang)
        data = Overview._crr_overview_data(self.date_from, self.date_to)
        # the management review reads the organisation's figures: the printing user's own strip is left out
        data["sections"] = [section for section in data["sections"] if section["key"] != "personal"]
        length = (self.date_to - self.date_from).days + 1
        prev_to = self.date_from - timedelta(days=1)
        data.update(
            prev_from=fields.Date.to_string(prev_to - timedelta(days=length - 1)),
            prev_to=fields.Date.to_string(prev_to),
            capa=Overview._crr_open_capa(),
            decisions=Overview._crr_decisions_needed(data),
            company=self.env.company.name,
        )
        return data

    # -- actions -------------------------------------------------------------------------------------
    def action_print_pdf(self):
        self.env["crr.guard.mixin"]._crr_check_single(self)
        return self.env.ref("customer_requirement_review.action_report_crr_management_review").report_action(self)

    def action_print_xlsx(self):
        self.env["crr.guard.mixin"]._crr_check_single(self)
        return self.env["crr.xlsx.export"]._crr_download_action(self)

    # -- XLSX (crr.xlsx.export) ----------------------------------------------------------------------
    def _crr_xlsx_filename(self):
        return self.with_context(lang=self[:1].lang or self.env.lang).env._("Management review pack.xlsx")

    def _crr_xlsx_sheets(self):
        self.ensure_one()
        data = self._crr_pack_data()
        wizard = self.with_context(lang=self.lang)
        figure_rows = []
        for section in data["sections"]:
            for card in section["cards"]:
                figure_rows.append([section["title"], card["title"], "", card["value"], card["unit"], card["note"]])
                for row in card["rows"]:
                    figure_rows.append([section["title"], card["title"], row["label"], row["value"], "",
                                        row["extra"]])
        trend_rows = [[row["label"], row["value"], row["previous"], row["change"], row["unit"]]
                      for row in data["trend"]]
        capa_rows = [[item["name"], item["complaint"], item["type"], item["owner"], item["deadline"], item["late"]]
                     for item in data["capa"]]
        return [
            {"name": wizard.env._("Figures"), "columns": [
                {"header": wizard.env._("Section"), "type": "char", "width": 16},
                {"header": wizard.env._("Figure"), "type": "char", "width": 32},
                {"header": wizard.env._("Detail"), "type": "char", "width": 30},
                {"header": wizard.env._("Value"), "type": "char", "width": 12},
                {"header": wizard.env._("Unit"), "type": "char", "width": 8},
                {"header": wizard.env._("Note"), "type": "char", "width": 40}],
             "rows": [[str(v) if v is not None else "" for v in row] for row in figure_rows]},
            {"name": wizard.env._("Trend"), "columns": [
                {"header": wizard.env._("Figure"), "type": "char", "width": 32},
                {"header": wizard.env._("%(from)s to %(to)s", **{"from": data["date_from"], "to": data["date_to"]}),
                 "type": "float"},
                {"header": wizard.env._("%(from)s to %(to)s", **{"from": data["prev_from"], "to": data["prev_to"]}),
                 "type": "float"},
                {"header": wizard.env._("Difference"), "type": "float"},
                {"header": wizard.env._("Unit"), "type": "char", "width": 8}],
             "rows": trend_rows},
            {"name": wizard.env._("Open CAPA actions"), "columns": [
                {"header": wizard.env._("Action"), "type": "char", "width": 36},
                {"header": wizard.env._("Complaint"), "type": "char", "width": 30},
                {"header": wizard.env._("Type"), "type": "char", "width": 14},
                {"header": wizard.env._("Responsible"), "type": "char", "width": 20},
                {"header": wizard.env._("Deadline"), "type": "date"},
                {"header": wizard.env._("Late"), "type": "boolean"}],
             "rows": capa_rows},
            {"name": wizard.env._("Decisions needed"), "columns": [{"header": wizard.env._("Decision needed"), "type": "text", "width": 100}],
             "rows": [[decision] for decision in data["decisions"]]},
        ]

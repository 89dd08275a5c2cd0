"""Every action-only field of every model of the module, given a value at creation: refused (by the guard, naming
the action, where the model has no earlier check of its own), with the context keys a client could send, and
nothing created. The explicit forgeries over XML-RPC are in test_record_forgery.py; this one makes sure that no
model added later forgets its guard."""

from datetime import date, datetime

from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged

from .test_record_forgery import FORMER_KEYS


@tagged("post_install", "-at_install")
class TestRecordForgeryEveryModel(TransactionCase):
    def _forged_value(self, model, field):
        """A value other than the field's default, or None when there is none to give."""
        default = field.default(model) if field.default else False
        if field.type == "many2one":
            other = self.env[field.comodel_name].sudo().search([("id", "!=", getattr(default, "id", default) or 0)],
                                                                limit=1)
            return other.id or None
        if field.type == "selection":
            keys = [key for key, _label in field._description_selection(self.env)]
            return next((key for key in keys if key != default), None)
        return {
            "boolean": not default,
            "char": "forged",
            "text": "forged",
            "html": "<p>forged</p>",
            "integer": 7,
            "float": 7.0,
            "monetary": 7.0,
            "date": date(2020, 1, 2),
            "datetime": datetime(2020, 1, 2, 3, 4, 5),
        }.get(field.type)

    def test_every_action_field_refused_at_creation(self):
        guard = self.env.registry["crr.record.guard.mixin"]
        checked = named = 0
        for name, model_class in self.env.registry.items():
            if model_class._abstract or not issubclass(model_class, guard) or not model_class._crr_action_fields:
                continue
            # as superuser: no access right refuses first, the guard itself must
            Model = self.env[name].sudo()
            for field_name in model_class._crr_action_fields:
                field = Model._fields.get(field_name)
                if not field or not field.store:
                    continue
                value = self._forged_value(Model, field)
                if value is None:
                    continue
                count = Model.search_count([])
                for context in (None, FORMER_KEYS):
                    with self.subTest(model=name, field=field_name, context=bool(context)), \
                            self.assertRaises(UserError) as caught:
                        Model.with_context(**(context or {})).create({field_name: value})
                    # refused by the guard, naming the action; or earlier by the model's own check of a create
                    # without its parent record (a sample round without its request...): refused all the same
                    if "changes only through its action" in str(caught.exception):
                        named += 1
                self.assertEqual(Model.search_count([]), count, (name, field_name))
                checked += 1
        # the module's action-only fields: far more than the explicit forgeries; most refused by the guard itself
        self.assertGreater(checked, 100)
        self.assertGreater(named, checked * 2 * 0.6, (named, checked))

    def test_every_computed_field_refused(self):
        """The stored fields the addons compute (read-only, without an inverse: a company, a deadline, the
        "before" values of a change, a delivery's days late, a satisfaction answer's customer): Odoo would keep
        a value a client gives them until they are computed again. Every model holding one is guarded; given
        at creation, such a value is refused (by the guard, naming the field as computed, where the model has
        no earlier check of its own) and nothing is created. Writes on records: test_record_forgery.py."""
        guard = self.env.registry["crr.record.guard.mixin"]
        checked = named = 0
        for name, model_class in self.env.registry.items():
            if model_class._abstract or model_class._transient:
                continue
            computed = [
                field for field in model_class._fields.values()
                if field.store and field.compute and not field.inverse and field.readonly
                and any(module.startswith("customer_requirement_review") for module in field._modules)
                and field.name not in model_class._crr_action_fields
            ]
            if not computed:
                continue
            self.assertTrue(issubclass(model_class, guard), f"{name} holds computed fields but has no guard")
            Model = self.env[name].sudo()
            for field in computed:
                value = self._forged_value(Model, field)
                if value is None:
                    continue
                count = Model.search_count([])
                with self.subTest(model=name, field=field.name), self.assertRaises(UserError) as caught:
                    Model.create({field.name: value})
                if "is computed from the record" in str(caught.exception):
                    named += 1
                self.assertEqual(Model.search_count([]), count, (name, field.name))
                checked += 1
        self.assertGreater(checked, 40)
        self.assertGreater(named, checked * 0.6, (named, checked))

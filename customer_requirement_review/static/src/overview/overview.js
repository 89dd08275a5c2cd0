import { Component, onWillStart, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { standardActionServiceProps } from "@web/webclient/actions/action_service";

/**
 * Sales > Reviews > Overview: the figures of crr.overview.get_overview (one call), as cards; each value and
 * each row opens its list (the window action the server built with the figure's domain).
 */
export class CrrOverview extends Component {
    static template = "customer_requirement_review.CrrOverview";
    static props = { ...standardActionServiceProps };

    setup() {
        this.orm = useService("orm");
        this.actionService = useService("action");
        this.periods = [
            [30, _t("30 days")],
            [90, _t("90 days")],
            [365, _t("365 days")],
        ];
        this.state = useState({ period: 90, data: null, loading: true });
        this.env.config?.setDisplayName?.(this.props.action?.name || _t("Overview"));
        onWillStart(() => this.load());
    }

    async load() {
        this.state.loading = true;
        this.state.data = await this.orm.call("crr.overview", "get_overview", [this.state.period]);
        this.state.loading = false;
    }

    async setPeriod(period) {
        this.state.period = period;
        await this.load();
    }

    open(action) {
        if (action) {
            this.actionService.doAction(action);
        }
    }

    openPack() {
        this.actionService.doAction("customer_requirement_review.action_crr_management_review_wizard");
    }

    format(value, kind) {
        if (value === null || value === undefined || value === false) {
            return "-";
        }
        if (typeof value === "number" && kind === "amount") {
            return value.toLocaleString(undefined, { maximumFractionDigits: 0 });
        }
        return String(value);
    }

    changeClass(row) {
        if (row.better === true) {
            return "text-success";
        }
        if (row.better === false) {
            return "text-danger";
        }
        return "text-muted";
    }
}

registry.category("actions").add("crr_overview", CrrOverview);

"""Two Odoo servers, one database: the module stays right when Odoo is scaled out.

Started by tools/multi_server_test.sh (which prepares the database and the configuration). Starts two
separate Odoo server processes on two ports against one database and one filestore, each with a cron
thread, and checks over XML-RPC:

1. a file stored through server A is read back through server B (one filestore);
2. a review rule created on A applies to the next review requested on B, whose rule cache was filled
   before the change (the per-company ``ormcache`` of the rules is cleared in every process through
   Odoo's database signaling: ``registry.clear_cache()`` at the change, ``signal_changes()`` at commit,
   ``check_signaling()`` at the next request of the other process);
3. the reviewers of one special order approve their departments' open lines at the same moment, half
   through A and half through B: every decision is kept with its reviewer, and the order ends approved
   once the remaining lines (later steps, the general manager last) are approved (no lost update);
4. the overdue scans (review lines and complaints), triggered while both servers' cron threads listen,
   run once: both servers wake up on the trigger, exactly one runs each job (Odoo's cron locking), and
   every overdue line gets exactly one reminder.

Exit 0 when all hold; the servers' logs are printed on failure.
"""

import argparse
import base64
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import xmlrpc.client

CRON_XMLIDS = {
    "review": ("customer_requirement_review", "ir_cron_crr_review_overdue"),
    "complaint": ("customer_requirement_review", "ir_cron_crr_complaint_overdue"),
}


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    def __init__(self, name, port, args, workdir):
        self.name, self.port, self.args = name, port, args
        self.log_path = os.path.join(workdir, f"server_{name}.log")
        self.process = None

    def start(self, env):
        self.log = open(self.log_path, "w", encoding="utf-8")
        self.process = subprocess.Popen(
            [*self.args, f"--http-port={self.port}", f"--logfile={self.log_path}"],
            env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
        )

    def wait_ready(self, timeout=240):
        deadline = time.monotonic() + timeout
        proxy = xmlrpc.client.ServerProxy(f"http://127.0.0.1:{self.port}/xmlrpc/2/common")
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server {self.name} exited with {self.process.returncode}")
            try:
                proxy.version()
                return
            except (OSError, xmlrpc.client.Error):
                time.sleep(0.5)
        raise RuntimeError(f"server {self.name} did not answer on port {self.port} within {timeout}s")

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        if getattr(self, "log", None):
            self.log.close()

    def read_log(self):
        with open(self.log_path, encoding="utf-8", errors="replace") as handle:
            return handle.read()


class Client:
    """execute_kw on one server as one user."""

    def __init__(self, server, db, login, password):
        self.server, self.db, self.password = server, db, password
        url = f"http://127.0.0.1:{server.port}/xmlrpc/2/"
        self.uid = xmlrpc.client.ServerProxy(url + "common").authenticate(db, login, password, {})
        if not self.uid:
            raise RuntimeError(f"cannot log in as {login} on server {server.name}")
        self.url = url + "object"

    def __call__(self, model, method, *args, **kwargs):
        # one proxy per call: a ServerProxy is not shared between threads
        proxy = xmlrpc.client.ServerProxy(self.url, allow_none=True)
        return proxy.execute_kw(self.db, self.uid, self.password, model, method, list(args), kwargs)


class Check:
    def __init__(self):
        self.failures = []
        self.rows = []

    def __call__(self, label, condition, detail=""):
        self.rows.append((label, bool(condition), detail))
        if not condition:
            self.failures.append(f"{label}: {detail}")
        print(f"  [{'ok' if condition else 'FAIL'}] {label}" + (f" ({detail})" if detail else ""), flush=True)


def ref(admin, module, name):
    found = admin("ir.model.data", "search_read", [("module", "=", module), ("name", "=", name)],
                  fields=["res_id"])
    if not found:
        raise RuntimeError(f"{module}.{name} not found")
    return found[0]["res_id"]


def new_quotation(admin, partner_name, product_id, qty=10):
    partner_id = admin("res.partner", "create", {"name": partner_name, "email": "buyer@example.com",
                                                 "is_company": True})
    return admin("sale.order", "create", {
        "partner_id": partner_id,
        "order_line": [(0, 0, {"product_id": product_id, "product_uom_qty": qty})],
    })


def review_departments(client, order_id):
    lines = client("crr.review.line", "search_read", [("order_id", "=", order_id)],
                   fields=["department_id", "state", "round"])
    return {line["department_id"][1]: line for line in lines}


def run(args):
    check = Check()
    env = dict(os.environ, PYTHONPATH=args.odoo_src)
    ports = [int(p) for p in args.ports.split()] if args.ports else [free_port(), free_port()]
    workdir = tempfile.mkdtemp(prefix="crr-multiserver-")
    base_args = [args.python, args.launcher, "-c", args.conf, "-d", args.db, "--http-interface=127.0.0.1",
                 "--max-cron-threads=1", "--log-level=info",
                 "--log-handler=odoo.addons.base.models.ir_cron:INFO",
                 "--log-handler=odoo.service.server:DEBUG", "--log-handler=odoo.orm.registry:INFO",
                 "--log-handler=werkzeug:WARNING"]
    servers = [Server("A", ports[0], [*base_args, f"--workers={args.workers_a}",
                                      f"--gevent-port={free_port()}", "--limit-time-real=600"], workdir),
               Server("B", ports[1], base_args, workdir)]
    started = time.monotonic()
    try:
        postpone_crons(args)
        for server in servers:
            server.start(env)
        for server in servers:
            server.wait_ready()
        print(f"two servers up in {time.monotonic() - started:.1f}s: A on {ports[0]} "
              f"({args.workers_a or 'no'} workers), B on {ports[1]} (threaded), database {args.db}", flush=True)
        server_a, server_b = servers
        admin_a = Client(server_a, args.db, "admin", args.admin_password)
        admin_b = Client(server_b, args.db, "admin", args.admin_password)

        # 1. one filestore
        payload = os.urandom(2048)
        attachment_id = admin_a("ir.attachment", "create", {"name": "two-servers.bin",
                                                            "datas": base64.b64encode(payload).decode()})
        read = admin_b("ir.attachment", "read", [attachment_id], fields=["datas", "store_fname"])[0]
        check("a file stored through A is read through B", read["store_fname"] and
              base64.b64decode(read["datas"]) == payload, f"store_fname {read['store_fname']}")
        admin_a("ir.attachment", "unlink", [attachment_id])

        # 2. the rule cache across processes
        product_id = admin_a("product.product", "search", [("sale_ok", "=", True), ("type", "=", "consu")],
                             limit=1)[0]
        logistics_id = ref(admin_a, "customer_requirement_review", "crr_department_logistics")
        logistics = admin_a("crr.department", "read", [logistics_id], fields=["name"])[0]["name"]
        stamp = time.strftime("%H%M%S")
        special_rule_id = ref(admin_a, "customer_requirement_review", "crr_review_rule_special")
        before_id = new_quotation(admin_a, f"Two servers, cache primed {stamp}", product_id)
        admin_b("sale.order", "action_request_review", [before_id])  # fills B's rule cache
        check("before the change, B's review of a first order asks logistics",
              logistics in review_departments(admin_b, before_id), str(sorted(review_departments(admin_b, before_id))))
        admin_a("crr.review.rule", "write", [special_rule_id], {"department_ids": [(3, logistics_id)]})
        try:
            after_id = new_quotation(admin_a, f"Two servers, after the change {stamp}", product_id)
            admin_b("sale.order", "action_request_review", [after_id])
            departments = review_departments(admin_b, after_id)
            check("logistics removed from the special rule on A: B's next review does not ask it",
                  departments and logistics not in departments, str(sorted(departments)))
        finally:
            admin_a("crr.review.rule", "write", [special_rule_id], {"department_ids": [(4, logistics_id)]})
        later_id = new_quotation(admin_a, f"Two servers, rule restored {stamp}", product_id)
        admin_b("sale.order", "action_request_review", [later_id])
        check("logistics put back on A: B asks it again", logistics in review_departments(admin_b, later_id))

        # 3. concurrent decisions on one order through both servers
        special_id = new_quotation(admin_a, f"Two servers, special order {stamp}", product_id, qty=50)
        admin_a("sale.order", "action_request_review", [special_id])
        order = admin_a("sale.order", "read", [special_id], fields=["contract_type", "review_state"])[0]
        lines = admin_a("crr.review.line", "search_read", [("order_id", "=", special_id)],
                        fields=["department_id", "state", "is_final_approval"])
        departments = admin_a("crr.department", "read", [line["department_id"][0] for line in lines],
                              fields=["code"])
        code_of = {dep["id"]: dep["code"] for dep in departments}
        pending = [line for line in lines if line["state"] == "pending" and not line["is_final_approval"]]
        final = [line for line in lines if line["is_final_approval"]]
        check("the special order asks several departments at once and the general manager last",
              order["contract_type"] == "special" and len(pending) >= 2 and len(final) == 1,
              f"{order['contract_type']}, {len(pending)} pending, {len(final)} final")
        clients = {}

        def reviewer(code, server):
            if (code, server.name) not in clients:
                clients[code, server.name] = Client(server, args.db, f"reviewer.{code}", args.reviewer_password)
            return clients[code, server.name]

        reviewers = {}
        for index, line in enumerate(pending):
            code = code_of[line["department_id"][0]]
            reviewers[line["id"]] = (code, reviewer(code, servers[index % 2]))
        barrier = threading.Barrier(len(reviewers))
        errors = {}

        def approve(line_id):
            code, client = reviewers[line_id]
            try:
                barrier.wait(timeout=60)
                client("crr.review.line", "action_approve", [line_id], opinion=f"Approved by {code} on "
                                                                               f"server {client.server.name}")
            except Exception as exc:  # reported below
                errors[code] = exc

        threads = [threading.Thread(target=approve, args=(line_id,)) for line_id in reviewers]
        t0 = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=180)
        check(f"{len(reviewers)} reviewers approved at once through A and B without an error", not errors,
              f"{time.monotonic() - t0:.1f}s; " + "; ".join(f"{code}: {exc}" for code, exc in errors.items()))
        decided = admin_a("crr.review.line", "read", list(reviewers), fields=["state", "reviewer_id", "decision_date",
                                                                              "opinion"])
        kept = all(
            line["state"] == "approved" and line["reviewer_id"] and line["reviewer_id"][0] == reviewers[line["id"]][1].uid
            and line["decision_date"] and (line["opinion"] or "").startswith(f"Approved by {reviewers[line['id']][0]}")
            for line in decided
        )
        check("every decision is kept with its reviewer, date and opinion", kept,
              str([(line["id"], line["state"]) for line in decided if line["state"] != "approved"]))
        # departments of later steps, if the procedure has steps, one after the other; the final line last
        for step in range(20):
            opened = admin_a("crr.review.line", "search_read", [("order_id", "=", special_id),
                                                                ("state", "=", "pending")],
                             fields=["department_id", "is_final_approval"], order="is_final_approval, id")
            if not opened:
                break
            line = opened[0]
            code = code_of.get(line["department_id"][0]) or admin_a(
                "crr.department", "read", [line["department_id"][0]], fields=["code"])[0]["code"]
            reviewer(code, servers[step % 2])("crr.review.line", "action_approve", [line["id"]])
        order = admin_a("sale.order", "read", [special_id], fields=["review_state"])[0]
        check("the order is approved once the general manager approves last", order["review_state"] == "approved",
              order["review_state"])

        # 4. crons run once with two cron threads
        check_crons(args, servers, admin_a, check)
    except Exception as exc:  # a failed step: the servers' logs tell why
        check("the two-server scenario ran to its end", False, repr(exc))
    finally:
        for server in servers:
            server.stop()
    if check.failures:
        for server in servers:
            print(f"---- last lines of server {server.name}'s log ({server.log_path}) ----")
            print("\n".join(server.read_log().splitlines()[-60:]))
        print(f"two-server test: {len(check.failures)} check(s) failed in {time.monotonic() - started:.0f}s")
        return 1
    print(f"two-server test: {len(check.rows)} checks passed in {time.monotonic() - started:.0f}s")
    return 0


def postpone_crons(args):
    """The module's crons are not due when the servers start: only the test's trigger runs them."""
    import psycopg2

    with psycopg2.connect(args.dsn) as conn, conn.cursor() as cr:
        cr.execute("""SELECT res_id FROM ir_model_data WHERE model = 'ir.cron' AND (module, name) IN %s""",
                   [tuple(CRON_XMLIDS.values())])
        cron_ids = [row[0] for row in cr.fetchall()]
        cr.execute("UPDATE ir_cron SET nextcall = now() at time zone 'UTC' + interval '1 day' WHERE id = ANY(%s)",
                   [cron_ids])
        cr.execute("DELETE FROM ir_cron_trigger WHERE cron_id = ANY(%s)", [cron_ids])


def check_crons(args, servers, admin, check):
    import psycopg2

    cron_ids = {key: ref(admin, *xmlid) for key, xmlid in CRON_XMLIDS.items()}
    marks = [len(server.read_log()) for server in servers]
    with psycopg2.connect(args.dsn) as conn, conn.cursor() as cr:
        # every pending line of the database is overdue and was never reminded
        cr.execute("UPDATE crr_review_line SET deadline = current_date - 3, last_reminder_date = NULL"
                   " WHERE state = 'pending' RETURNING id")
        overdue = [row[0] for row in cr.fetchall()]
        cr.execute("SELECT date_trunc('second', now() at time zone 'UTC')")
        since = cr.fetchone()[0]
        for cron_id in cron_ids.values():
            # as ir.cron._trigger() does: a call time in whole seconds
            cr.execute("INSERT INTO ir_cron_trigger (cron_id, call_at) VALUES (%s, %s)", [cron_id, since])
    # wake the cron threads up the way Odoo does (its notifications go through the postgres database)
    with psycopg2.connect(re.sub(r"dbname=\S+", "dbname=postgres", args.dsn)) as conn, conn.cursor() as cr:
        cr.execute("SELECT pg_notify('cron_trigger', %s)", [args.db])
    deadline = time.monotonic() + 120
    done = {}
    while time.monotonic() < deadline:
        logs = [server.read_log()[mark:] for server, mark in zip(servers, marks, strict=True)]
        done = {key: sum(len(re.findall(rf"Job .* \({cron_id}\) (fully done|partially done|failed)", log))
                         for log in logs) for key, cron_id in cron_ids.items()}
        if all(done.values()):
            time.sleep(3)  # let a second, wrong run show itself
            logs = [server.read_log()[mark:] for server, mark in zip(servers, marks, strict=True)]
            break
        time.sleep(0.5)
    starts = {key: [len(re.findall(rf"Job .* \({cron_id}\) starting", log)) for log in logs]
              for key, cron_id in cron_ids.items()}
    woke = [bool(re.search(r"polling for jobs", log)) for log in logs]
    check("both servers' cron threads woke up on the trigger", all(woke), f"A {woke[0]}, B {woke[1]}")
    for key, counts in starts.items():
        check(f"the {key} overdue scan ran exactly once over both servers", sum(counts) == 1,
              f"runs on A {counts[0]}, on B {counts[1]}")
    with psycopg2.connect(args.dsn) as conn, conn.cursor() as cr:
        cr.execute("SELECT res_id, count(*) FROM mail_message WHERE model = 'crr.review.line' AND res_id = ANY(%s)"
                   " AND body::text LIKE %s AND create_date >= %s GROUP BY res_id", [overdue, "%Reminder:%", since])
        reminders = dict(cr.fetchall())
        cr.execute("SELECT count(*) FROM crr_review_line WHERE id = ANY(%s) AND last_reminder_date = current_date",
                   [overdue])
        marked = cr.fetchone()[0]
    check("overdue lines were reminded, each exactly once", reminders and set(reminders.values()) == {1}
          and marked == len(reminders), f"{len(overdue)} overdue, {len(reminders)} reminded, {marked} marked")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--conf", required=True)
    parser.add_argument("--dsn", required=True, help="libpq connection string of the database (cron checks)")
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--launcher", required=True, help="the odoo launcher script")
    parser.add_argument("--odoo-src", required=True, help="folder holding the odoo package")
    parser.add_argument("--ports", default=os.environ.get("CRR_MS_PORTS", ""),
                        help="two HTTP ports, e.g. '8075 8077' (default: two free ports)")
    parser.add_argument("--workers-a", type=int, default=int(os.environ.get("CRR_MS_WORKERS", "2")),
                        help="workers of server A (0: threaded); server B is threaded")
    parser.add_argument("--admin-password", default="admin")
    parser.add_argument("--reviewer-password", default="demo")
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())

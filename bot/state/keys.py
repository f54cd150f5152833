"""The Redis key scheme: every key of the bot, in one list.

Every key carries the community id in a hash tag (`fz:{c1}:...`): one deployment serves many
communities, and all keys of one community land in the same Redis Cluster slot, so multi-key
transactions keep working when the data moves to a cluster.
"""

KEY_MESSAGE = "fz:{{{c}}}:msg:{key}"  # dedupe: "pending" while running, then the reply as JSON
KEY_SUBSCRIBERS = "fz:{{{c}}}:subscribers"  # set of openids following the Official Account
KEY_CHECKS_BY_DAY = "fz:{{{c}}}:stats:checks:{day}"  # hash: verdict / type -> count
KEY_CONVERSATION = "fz:{{{c}}}:conv:{channel}:{user}"  # JSON of a multi-turn flow, with a timeout
KEY_INVITE = "fz:{{{c}}}:invite:{code}"  # one-time informant invite -> building
KEY_INFORMANT = "fz:{{{c}}}:informant:{user}"  # set of buildings an informant is bound to
KEY_INFORMANTS = "fz:{{{c}}}:informants"  # hash: user -> bound since (epoch)
KEY_HOME = "fz:{{{c}}}:home:{user}"  # hash: building, unit a resident said they live in
KEY_REPORT_SEQ = "fz:{{{c}}}:report:seq"  # counter behind short report ids (R1, R2, ...)
KEY_REPORT = "fz:{{{c}}}:report:{id}"  # hash: one report
KEY_REPORT_EVENTS = "fz:{{{c}}}:report:{id}:events"  # stream: who did what, when
KEY_REPORTS_BY_TIME = "fz:{{{c}}}:reports"  # zset: report id -> created_at
KEY_DEADLINES = "fz:{{{c}}}:deadlines"  # zset: report id -> deadline_at, for the worker
KEY_JOURNALED = "fz:{{{c}}}:journaled:{jid}"  # a held (journal) report already filed -> its report id
KEY_HOUSEHOLD = "fz:{{{c}}}:household:{key}"  # report id of a household's open report (30 min)
KEY_OUTBOX = "fz:{{{c}}}:outbox"  # stream: notifications for the worker to deliver
KEY_CLAIM = "fz:{{{c}}}:report:{id}:claim"  # who owns a report: claim_report makes one winner
KEY_CARDS = "fz:{{{c}}}:report:{id}:cards"  # hash: staff userid -> the card's response_code
KEY_ESCALATIONS = "fz:{{{c}}}:escalations"  # zset: "R7|step" -> when the step is due
KEY_DELAYED = "fz:{{{c}}}:outbox:delayed"  # zset: outbox entry (JSON) waiting for its retry time
KEY_SENT = "fz:{{{c}}}:outbox:sent:{origin}"  # "sending" / "done": makes redelivery harmless
KEY_DELIVERY_LOG = "fz:{{{c}}}:outbox:log"  # stream: what happened to each entry (sent, failed, held)
KEY_CS_WINDOW = "fz:{{{c}}}:cs:{user}"  # hash: last message from a follower, messages pushed since
KEY_SENDS = "fz:{{{c}}}:sends:{scope}:{who}"  # zset: recent send times (sliding-window rate limits)
KEY_RATE = "fz:{{{c}}}:rate:{scope}:{who}:{bucket}"  # counter of sends in one minute (API rate limits)
KEY_TOKEN = "fz:{{{c}}}:token:{app}"  # one shared access_token per API app
KEY_TOKEN_LOCK = "fz:{{{c}}}:token:{app}:lock"
KEY_ACCOUNT = "fz:{{{c}}}:account:{user}"  # hash: dashboard password record (salted scrypt), set_at
KEY_LOGIN_FAILURES = "fz:{{{c}}}:login:fail:{who}"  # failed sign-ins of an account / an address
KEY_SESSION_SECRET = "fz:{{{c}}}:dashboard:secret"  # signs session cookies; shared by all processes

OUTBOX_GROUP = "workers"
JOURNALED_TTL = 30 * 24 * 3600
REFUSED = "refused"  # what KEY_JOURNALED holds for a held record that was not filed (not a report id)
SENT_TTL = 7 * 24 * 3600

PENDING = "pending"
CHECK_STATS_TTL = 400 * 24 * 3600  # a year of daily figures, plus margin

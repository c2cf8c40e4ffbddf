package argument

import (
	"strings"
)

// rootTargets are rm targets whose recursive removal destroys a system or
// a home.
var rootTargets = set("/", "/*", "~", "~/", "~/*", "*", ".", "./", "./*", "..", "../", "$home", "${home}", "$home/", "$home/*",
	"/home", "/home/", "/home/*", "/etc", "/usr", "/var", "/bin", "/sbin", "/boot", "/lib", "/lib64", "/opt", "/root", "/srv",
	"/users", "/system", "/data", "/var/lib", "/var/www", "c:\\", "c:/", "c:\\*", "c:", "/mnt", "/dev", "/proc", "/sys", "/.*", "/*/*")

// diskDevice reports a block-device path (/dev/sda, /dev/nvme0n1,
// /dev/disk2, \\.\PhysicalDrive0).
func diskDevice(p string) bool {
	p = strings.ToLower(strings.Trim(p, `'"`))
	if strings.HasPrefix(p, `\\.\physicaldrive`) {
		return true
	}
	if !strings.HasPrefix(p, "/dev/") {
		return false
	}
	d := p[5:]
	for _, pre := range []string{"sd", "hd", "vd", "xvd", "nvme", "mmcblk", "disk", "md", "dm-", "mapper/", "rdisk", "root", "nbd"} {
		if strings.HasPrefix(d, pre) {
			return true
		}
	}
	return false
}

// destructiveCmd reads one simple command for data and system
// destruction.
func (a *analysis) destructiveCmd(it *item, c *shCmd, r resolved, f float64) {
	sp := func() string { return a.spanAll(it.s) }
	add := func(sig string, w float64) { a.destr.add("destructive."+sig, it.field, sp(), w*f) }
	args := r.args
	la := strings.ToLower(strings.Join(args, " "))
	for _, rd := range c.redirs {
		if strings.HasPrefix(rd.op, ">") && diskDevice(rd.target) {
			add("overwrite_disk", 0.9)
		}
	}
	switch r.name {
	case "rm", "rmdir", "remove-item", "ri", "del", "erase", "rd":
		recursive, force := false, false
		var targets []string
		for _, w := range args {
			lw := strings.ToLower(w)
			switch {
			case lw == "--recursive" || lw == "-recurse" || lw == "/s":
				recursive = true
			case lw == "--force" || lw == "-force" || lw == "/q" || lw == "/f":
				force = true
			case lw == "--no-preserve-root":
				recursive, force = true, true
				add("rm_recursive_root", 0.95)
			case len(lw) > 1 && lw[0] == '-' && lw[1] != '-' && isLetters(lw[1:]):
				recursive = recursive || strings.ContainsAny(lw, "rR")
				force = force || strings.ContainsRune(lw, 'f')
			default:
				targets = append(targets, lw)
			}
		}
		if r.name == "rd" || r.name == "rmdir" {
			recursive = recursive || anyEq(args, "/s", "/S")
		}
		for _, t := range targets {
			t = strings.Trim(t, `'"`)
			if regenerable(t) {
				continue
			}
			switch {
			case recursive && (rootTargets[t] || len(t) > 1 && rootTargets[strings.TrimRight(t, "/")]):
				w := 0.8
				if force {
					w = 0.88
				}
				add("rm_recursive_root", w)
			case recursive && (t == ".git" || strings.HasSuffix(t, "/.git")):
				add("rm_repository", 0.45)
			case recursive && force && (strings.HasPrefix(t, "/var/lib/") || strings.HasPrefix(t, "/var/log")):
				add("rm_system_data", 0.55)
			case recursive && force && (strings.HasPrefix(t, `\\`) || strings.HasPrefix(t, "//")) && len(t) > 2:
				// everything under a network share
				add("rm_network_share", 0.7)
			case recursive && force && (strings.HasSuffix(t, "/*") || strings.HasSuffix(t, `\*`)) && strings.Count(strings.ReplaceAll(t, `\`, "/"), "/") <= 3:
				// the contents of a top-level directory (/srv/*, ~/projects/*)
				add("rm_recursive_wildcard", 0.5)
			case recursive:
				switch homeChild(t) {
				case homeKeys:
					add("rm_user_data", 0.7) // ~/.ssh, ~/.gnupg: keys that cannot be re-made
				case homeData:
					add("rm_user_data", 0.55) // ~/projects, /home/sam/Documents/*
				}
			}
		}
	case "mkfs", "mke2fs", "mkswap", "wipefs", "sgdisk", "mkntfs", "newfs":
		add("format_disk", 0.85)
	case "fdisk", "parted", "sfdisk", "gdisk":
		if anyContains(args, "/dev/") && (c.heredoc != "" || anyEq(args, "rm", "mklabel", "--delete", "-z")) {
			add("format_disk", 0.7)
		}
	case "dd":
		for _, w := range args {
			if strings.HasPrefix(w, "of=") && diskDevice(w[3:]) {
				add("overwrite_disk", 0.9)
			}
		}
	case "shred", "wipe", "srm":
		w := 0.55
		if anyContains(args, "/dev/") {
			w = 0.9
		}
		add("shred", w)
	case "find":
		if anyEq(args, "-delete") || anyEq(args, "-exec") && (anyEq(args, "rm") || anyEq(args, "shred")) {
			w := 0.3
			if len(args) > 0 && rootTargets[strings.ToLower(args[0])] && args[0] != "." {
				w = 0.7
			}
			add("find_delete", w)
		}
	case "chmod", "chown":
		if anyEq(args, "-R", "--recursive") && (anyEq(args, "/", "/*", "~")) {
			add("permissions_wipe", 0.6)
		}
	case "git":
		a.gitDestructive(it, args, f)
	case "kubectl", "oc":
		if len(args) > 0 && strings.ToLower(args[0]) == "delete" {
			switch {
			case anyEq(args, "ns", "namespace", "namespaces") || anyHasPrefix(args, "namespace/") || anyHasPrefix(args, "ns/"):
				add("kubectl_delete_namespace", 0.75)
			case anyEq(args, "--all", "-A", "--all-namespaces", "all"):
				add("kubectl_delete_all", 0.7)
			case anyEq(args, "pv", "pvc", "persistentvolume", "persistentvolumeclaim", "crd", "node", "nodes"):
				add("kubectl_delete", 0.45)
			}
		}
	case "terraform", "tofu", "pulumi", "cdk", "terragrunt":
		if anyEq(args, "destroy") || anyEq(args, "apply") && anyEq(args, "-destroy") {
			w := 0.75
			if anyContains(args, "auto-approve") || anyEq(args, "--yes", "-y", "--force") {
				w = 0.85
			}
			add("infrastructure_destroy", w)
		}
	case "aws":
		switch {
		case strings.Contains(la, "s3 rb") && strings.Contains(la, "--force"), strings.Contains(la, "s3 rm") && strings.Contains(la, "--recursive"):
			add("cloud_delete", 0.7)
		case containsAny(la, "terminate-instances", "delete-db-instance", "delete-db-cluster", "delete-table", "delete-stack",
			"delete-bucket", "delete-cluster", "delete-file-system", "delete-log-group", "delete-secret", "delete-hosted-zone", "delete-snapshot"):
			add("cloud_delete", 0.65)
		}
	case "gcloud", "az", "gsutil", "doctl":
		switch {
		case strings.Contains(la, "projects delete") || strings.HasPrefix(la, "group delete"):
			add("cloud_delete", 0.8)
		case r.name == "gsutil" && (strings.HasPrefix(la, "rm -r") || strings.HasPrefix(la, "-m rm -r") || strings.HasPrefix(la, "rb")):
			add("cloud_delete", 0.6)
		case strings.Contains(la, " delete") && containsAny(la, "instances", "clusters", "databases", "sql", "storage", "vm ", "disks", "buckets"):
			add("cloud_delete", 0.6)
		}
	case "docker", "podman":
		switch {
		case strings.Contains(la, "system prune") && strings.Contains(la, "--volumes") || strings.Contains(la, "volume prune") || strings.HasPrefix(la, "volume rm"):
			add("container_data_delete", 0.4)
		case strings.Contains(la, "system prune") && strings.Contains(la, "-a"):
			// unused images, stopped containers and build cache: pulled
			// or built again on demand
			add("container_data_delete", 0.2)
		}
	case "format":
		if len(args) > 0 && len(args[0]) >= 2 && args[0][1] == ':' {
			add("format_disk", 0.9)
		}
	case "cipher":
		if anyHasPrefix(strings.Fields(la), "/w") {
			add("shred", 0.6)
		}
	case "redis-cli":
		if strings.Contains(la, "flushall") || strings.Contains(la, "flushdb") {
			add("database_flush", 0.65)
		}
	case "dropdb", "dropuser":
		add("sql_drop", 0.7)
	}
}

// protectedBranches are branches whose history a force push destroys for
// everyone.
var protectedBranches = set("main", "master", "trunk", "prod", "production", "release", "develop", "stable", "live")

// gitDestructive reads git push --force to a shared branch, remote branch
// deletion and history rewriting.
func (a *analysis) gitDestructive(it *item, args []string, f float64) {
	if len(args) == 0 {
		return
	}
	sp := a.spanAll(it.s)
	sub := ""
	rest := args
	for i, w := range args {
		if !strings.HasPrefix(w, "-") {
			sub, rest = strings.ToLower(w), args[i+1:]
			break
		}
		if w == "-C" || w == "-c" {
			// git -C dir / -c key=value: skip the value.
			if i+1 < len(args) {
				args[i+1] = "-" + args[i+1]
			}
		}
	}
	switch sub {
	case "push":
		force, del, mirror := false, false, false
		branch := ""
		for _, w := range rest {
			lw := strings.ToLower(w)
			switch {
			case lw == "-f" || lw == "--force" || strings.HasPrefix(lw, "--force-with-lease") || strings.HasPrefix(lw, "--force-if-includes"):
				force = true
			case lw == "-d" || lw == "--delete":
				del = true
			case lw == "--mirror":
				mirror = true
			case len(lw) > 1 && lw[0] == '-' && lw[1] != '-' && isLetters(lw[1:]) && strings.ContainsRune(lw, 'f'):
				force = true
			case !strings.HasPrefix(lw, "-"):
				ref := lw
				if strings.HasPrefix(ref, "+") {
					force = true
					ref = ref[1:]
				}
				if strings.HasPrefix(ref, ":") {
					del = true
					ref = ref[1:]
				}
				if _, dst, ok := strings.Cut(ref, ":"); ok {
					ref = dst
				}
				ref = strings.TrimPrefix(ref, "refs/heads/")
				if protectedBranches[ref] || branch == "" {
					branch = ref
				}
			}
		}
		switch {
		case (force || del) && protectedBranches[branch]:
			a.destr.add("destructive.force_push", it.field, sp, 0.65*f)
		case mirror:
			a.destr.add("destructive.force_push", it.field, sp, 0.5*f)
		case force || del:
			a.destr.add("destructive.force_push", it.field, sp, 0.3*f)
		}
	case "filter-branch", "filter-repo":
		a.destr.add("destructive.history_rewrite", it.field, sp, 0.35*f)
	case "branch":
		if (anyEq(rest, "-D") || anyEq(rest, "-d") && anyEq(rest, "-f")) && anyEqFold(rest, "main", "master") {
			a.destr.add("destructive.branch_delete", it.field, sp, 0.4*f)
		}
	case "clean":
		// -f with -d or -x deletes every untracked (and ignored) file
		force, dirs := false, false
		for _, w := range rest {
			if len(w) > 1 && w[0] == '-' && w[1] != '-' {
				force = force || strings.ContainsRune(w, 'f')
				dirs = dirs || strings.ContainsAny(w, "dxX")
			}
			force = force || w == "--force"
		}
		if force && dirs {
			a.destr.add("destructive.git_clean", it.field, sp, 0.45*f)
		}
	case "reset":
		if anyEq(rest, "--hard") {
			a.destr.add("destructive.git_reset_hard", it.field, sp, 0.3*f)
		}
	}
}

func anyEqFold(args []string, vals ...string) bool {
	for _, w := range args {
		for _, v := range vals {
			if strings.EqualFold(w, v) {
				return true
			}
		}
	}
	return false
}

// sqlItem reads SQL and NoSQL statements in a string: DROP, TRUNCATE,
// DELETE or UPDATE without WHERE, FLUSHALL, dropDatabase. The statement
// counts as SQL when the tool or the key says so, or when its keywords are
// written in capitals; a migration written to a file counts less.
func (a *analysis) sqlItem(it *item) {
	s := it.s
	if len(s) < 8 {
		return
	}
	k := it.kc
	sqlCtx := a.tool.sql || it.key == "sql" || it.key == "query" || it.key == "statement" || it.key == "statements" || k == keyCommand
	f := 1.0
	switch {
	case sqlCtx:
	case a.tool.write && k == keyData:
		f = 0.4
	default:
		f = 0.7
	}
	l := it.lower()
	if !containsAny(l, "drop", "truncate", "delete", "update", "flushall", "flushdb", "dropdatabase", "deletemany", "remove({})") {
		return
	}
	sp := func(i int) string { return a.span(s, i, i+60) }
	if i := strings.Index(l, "dropdatabase("); i >= 0 {
		a.destr.add("destructive.sql_drop", it.field, sp(i), 0.7*f)
	}
	if i := strings.Index(l, ".drop()"); i >= 0 && (sqlCtx || strings.HasPrefix(l, "db.")) {
		a.destr.add("destructive.sql_drop", it.field, sp(i), 0.6*f)
	}
	if i := strings.Index(l, "deletemany({})"); i >= 0 {
		a.destr.add("destructive.sql_delete_all", it.field, sp(i), 0.6*f)
	}
	if i := strings.Index(l, "flushall"); i >= 0 && (sqlCtx || strings.Contains(s, "FLUSHALL")) {
		a.destr.add("destructive.database_flush", it.field, sp(i), 0.65*f)
	}
	stmts := sqlStatements(s)
	migration := recordsMigration(stmts)
	for n, st := range stmts {
		if !sqlCtx && !upperKeyword(st.text) {
			continue
		}
		w := strings.Fields(strings.ToLower(st.text))
		if len(w) < 2 {
			continue
		}
		switch {
		case w[0] == "drop" && recreated(w, stmts[n+1:]):
			// "DROP TABLE IF EXISTS tmp_import; CREATE TABLE tmp_import
			// (…)": a reset of a scratch object, as migrations and
			// test set-ups write it
			a.destr.add("destructive.sql_reset", it.field, sp(st.at), 0.3*f)
		case w[0] == "drop" && (w[1] == "database" || w[1] == "schema") && scratchEnv(sqlObject(w[2:])):
			// a developer's own dev, test or sandbox schema
			a.destr.add("destructive.sql_drop_scratch", it.field, sp(st.at), 0.25*f)
		case w[0] == "drop" && (w[1] == "database" || w[1] == "schema"):
			a.destr.add("destructive.sql_drop", it.field, sp(st.at), 0.8*f)
		case w[0] == "drop" && w[1] == "table" && scratchTable(sqlObject(w[2:])):
			a.destr.add("destructive.sql_drop_scratch", it.field, sp(st.at), 0.25*f)
		case w[0] == "drop" && (w[1] == "table" || w[1] == "collection" || w[1] == "keyspace" || w[1] == "user"):
			a.destr.add("destructive.sql_drop", it.field, sp(st.at), 0.7*f)
		case w[0] == "truncate" && scratchTable(sqlObject(w[1:])):
			a.destr.add("destructive.sql_truncate_scratch", it.field, sp(st.at), 0.25*f)
		case w[0] == "truncate":
			a.destr.add("destructive.sql_truncate", it.field, sp(st.at), 0.65*f)
		case w[0] == "delete" && len(w) >= 3 && w[1] == "from" && !hasWord(w, "where"):
			a.destr.add("destructive.sql_delete_all", it.field, sp(st.at), 0.65*f)
		case w[0] == "delete" && len(w) >= 2 && w[1] != "from" && !hasWord(w, "where") && sqlCtx && len(w) <= 3:
			a.destr.add("destructive.sql_delete_all", it.field, sp(st.at), 0.6*f)
		case w[0] == "update" && len(w) >= 4 && hasWord(w, "set") && !hasWord(w, "where"):
			a.destr.add("destructive.sql_update_all", it.field, sp(st.at), 0.4*f)
		case w[0] == "alter" && len(w) >= 4 && w[1] == "table" && hasWord(w, "drop") && migration:
			// a migration run that records itself: the schema change
			// was written, reviewed and versioned beforehand
			a.destr.add("destructive.sql_alter_drop", it.field, sp(st.at), 0.15*f)
		case w[0] == "alter" && len(w) >= 4 && w[1] == "table" && hasWord(w, "drop"):
			a.destr.add("destructive.sql_alter_drop", it.field, sp(st.at), 0.35*f)
		}
	}
}

// buildArtefacts are directory names whose contents a build, package
// manager or test run makes again.
var buildArtefacts = map[string]bool{"node_modules": true, "__pycache__": true, "dist": true, "build": true, "target": true,
	".next": true, ".nuxt": true, ".turbo": true, "coverage": true, ".tox": true, "obj": true}

// regenerable reports an rm target (lower case) below a directory whose
// last named component is a cache or a build artefact (buildArtefacts;
// any name holding "cache"): /var/lib/jenkins/workspace/*/.gradle-cache,
// ~/.cache/pip/*, ./node_modules. A bare root, home or top-level
// directory is never regenerable.
func regenerable(t string) bool {
	t = strings.ReplaceAll(t, `\`, "/")
	for strings.HasSuffix(t, "/*") || strings.HasSuffix(t, "/") {
		t = strings.TrimSuffix(strings.TrimSuffix(t, "*"), "/")
	}
	i := strings.LastIndexByte(t, '/')
	last := t[i+1:]
	if tempGlob(last) {
		return true // *.tmp, *.pyc: files made to be thrown away
	}
	if last == "" || strings.ContainsAny(last, "*?") {
		return false
	}
	if (last == "tmp" || last == "temp") && strings.Count(strings.Trim(t, "/"), "/") >= 2 {
		return true // a build's own tmp dir (/var/lib/ci/builds/app/tmp), not /tmp
	}
	return strings.Contains(last, "cache") || buildArtefacts[last]
}

// tempGlob reports a file glob that matches only throwaway files by their
// extension: *.tmp, *.temp, *.swp, *.pyc, *.o, *.class.
func tempGlob(last string) bool {
	if !strings.HasPrefix(last, "*.") {
		return false
	}
	switch last[2:] {
	case "tmp", "temp", "swp", "swo", "pyc", "pyo", "o", "obj", "class":
		return true
	}
	return false
}

// migrationTables are the history tables schema-migration tools write
// each applied version to: Rails, golang-migrate and Ecto
// (schema_migrations), Flyway, Liquibase, Alembic, Django, Knex, Prisma,
// goose, Sequelize, TypeORM, dbmate, Doctrine.
var migrationTables = map[string]bool{"schema_migrations": true, "flyway_schema_history": true, "databasechangelog": true,
	"alembic_version": true, "django_migrations": true, "knex_migrations": true, "_prisma_migrations": true, "goose_db_version": true,
	"sequelizemeta": true, "migrations": true, "doctrine_migration_versions": true, "schema_version": true}

// recordsMigration reports a batch that writes a version into a
// migration history table (migrationTables): a migration tool's run.
func recordsMigration(stmts []sqlStatement) bool {
	for _, st := range stmts {
		w := strings.Fields(strings.ToLower(st.text))
		if len(w) >= 3 && (w[0] == "insert" && w[1] == "into" || w[0] == "update") {
			t := w[2]
			if w[0] == "update" {
				t = w[1]
			}
			if migrationTables[sqlName(t)] {
				return true
			}
		}
	}
	return false
}

// sqlObject returns the object name, with its schema, after a DROP TABLE
// or TRUNCATE keyword (words w, lower case): TABLE, IF EXISTS and ONLY
// skipped, quotes dropped.
func sqlObject(w []string) string {
	for len(w) > 0 && (w[0] == "table" || w[0] == "if" || w[0] == "exists" || w[0] == "only") {
		w = w[1:]
	}
	if len(w) == 0 {
		return ""
	}
	t := w[0]
	if i := strings.IndexByte(t, '('); i >= 0 {
		t = t[:i]
	}
	return strings.Trim(t, "`\"[];,")
}

// sqlName folds an SQL object name: the schema prefix, quotes, brackets,
// a column list and a trailing semicolon dropped.
func sqlName(t string) string {
	if i := strings.IndexByte(t, '('); i >= 0 {
		t = t[:i]
	}
	t = strings.Trim(t, "`\"[];,")
	if i := strings.LastIndexByte(t, '.'); i >= 0 {
		t = t[i+1:]
	}
	return strings.Trim(t, "`\"[]")
}

// scratchWords are words of a table name that say it holds throwaway
// rows: temporary, scratch, staging and import tables.
var scratchWords = map[string]bool{"tmp": true, "temp": true, "scratch": true, "staging": true, "stg": true, "stage": true, "sandbox": true}

// envWords are words of a database or schema name that say it is a
// developer's or a test run's, not production's.
var envWords = map[string]bool{"dev": true, "test": true, "tests": true, "testing": true, "ci": true, "demo": true, "playground": true}

// scratchEnv reports a database or schema whose dotted, snake_case name
// says it is scratch (scratchWords) or a dev or test environment
// (envWords): analytics_dev.dbt_jnowak_spike, ci_test_4711.
func scratchEnv(name string) bool {
	if scratchTable(name) {
		return true
	}
	for _, p := range strings.FieldsFunc(name, func(r rune) bool { return r == '_' || r == '-' || r == '.' || r >= '0' && r <= '9' }) {
		if envWords[p] {
			return true
		}
	}
	return false
}

// scratchTable reports a table whose name or schema says it is scratch
// (scratchWords, as a word of its snake_case or dotted name:
// daily_rollup_tmp, reporting_staging.import_2025_11).
func scratchTable(name string) bool {
	for _, p := range strings.FieldsFunc(name, func(r rune) bool { return r == '_' || r == '-' || r == '.' || r >= '0' && r <= '9' }) {
		if scratchWords[p] {
			return true
		}
	}
	return false
}

// recreated reports a DROP … IF EXISTS statement (words w, lower case)
// whose object a later statement of the same batch creates again.
func recreated(w []string, later []sqlStatement) bool {
	if len(w) < 5 || w[2] != "if" || w[3] != "exists" {
		return false
	}
	kind, name := w[1], strings.Trim(w[4], "`\"[]")
	for _, st := range later {
		c := strings.Fields(strings.ToLower(st.text))
		if len(c) < 3 || c[0] != "create" || c[1] != kind {
			continue
		}
		o := c[2]
		if o == "if" && len(c) >= 6 && c[3] == "not" && c[4] == "exists" {
			o = c[5]
		}
		if o, _, _ = strings.Cut(strings.Trim(o, "`\"[]"), "("); o == name {
			return true
		}
	}
	return false
}

// sqlStatement is one statement and its byte offset.
type sqlStatement struct {
	text string
	at   int
}

// sqlStatements splits SQL text on semicolons outside string literals and
// comments, at most 64 statements.
func sqlStatements(s string) []sqlStatement {
	var out []sqlStatement
	start := 0
	var b strings.Builder
	flush := func(end int) {
		t := strings.TrimSpace(b.String())
		b.Reset()
		if t != "" && len(out) < 64 {
			out = append(out, sqlStatement{text: t, at: start})
		}
		start = end + 1
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\'' || c == '"' || c == '`':
			j := strings.IndexByte(s[i+1:], c)
			if j < 0 {
				// An unterminated quote (an injection's "x'; DROP ...")
				// is read as a stray character.
				b.WriteByte(' ')
				continue
			}
			b.WriteString(" x ")
			i += j + 1
		case c == '-' && i+1 < len(s) && s[i+1] == '-', c == '#':
			j := strings.IndexByte(s[i:], '\n')
			if j < 0 {
				i = len(s)
				continue
			}
			i += j
			b.WriteByte(' ')
		case c == '/' && i+1 < len(s) && s[i+1] == '*':
			j := strings.Index(s[i+2:], "*/")
			if j < 0 {
				i = len(s)
				continue
			}
			i += j + 3
			b.WriteByte(' ')
		case c == ';':
			flush(i)
		default:
			if b.Len() == 0 && (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
				start = i + 1
				continue
			}
			b.WriteByte(c)
		}
	}
	flush(len(s))
	return out
}

// upperKeyword reports whether the statement's first word is written in
// capitals (DELETE, DROP), as SQL usually is and prose is not.
func upperKeyword(t string) bool {
	w, _, _ := strings.Cut(t, " ")
	return len(w) >= 4 && isLetters(w) && strings.ToUpper(w) == w
}

// Kinds of a path directly under a home directory (homeChild).
const (
	homeNone = iota
	homeData // a user's own directory: projects, documents, dotfile config
	homeKeys // a directory of keys: .ssh, .gnupg, .aws, .kube
)

// homeDisposable are the home directories that hold caches or build
// output: deleting them loses nothing.
var homeDisposable = map[string]bool{".cache": true, "tmp": true, ".tmp": true, ".npm": true, "trash": true, ".trash": true, ".local/share/trash": true,
	"node_modules": true, ".gradle": true, ".m2": true, "downloads": true, ".pnpm-store": true, ".yarn": true}

// homeKeyDirs hold keys and credentials.
var homeKeyDirs = map[string]bool{".ssh": true, ".gnupg": true, ".aws": true, ".kube": true, ".docker": true, ".azure": true, ".gcloud": true, ".password-store": true}

// homeChild classifies a (lower-case) rm target that is a directory
// directly under a home directory, or its contents: ~/X, ~/X/*, $HOME/X,
// /home/u/X, /Users/u/X, /root/X.
func homeChild(t string) int {
	t = strings.ReplaceAll(t, `\`, "/")
	t = strings.TrimSuffix(strings.TrimSuffix(t, "/*"), "/")
	var rest string
	switch {
	case strings.HasPrefix(t, "~/"):
		rest = t[2:]
	case strings.HasPrefix(t, "$home/"):
		rest = t[6:]
	case strings.HasPrefix(t, "${home}/"):
		rest = t[8:]
	case strings.HasPrefix(t, "/root/"):
		rest = t[6:]
	case strings.HasPrefix(t, "/home/") || strings.HasPrefix(t, "/users/"):
		parts := strings.SplitN(strings.TrimPrefix(strings.TrimPrefix(t, "/home/"), "/users/"), "/", 2)
		if len(parts) < 2 {
			return homeNone // the home itself is rootTargets' business
		}
		rest = parts[1]
	default:
		return homeNone
	}
	if rest == "" || strings.Contains(rest, "/") && !homeKeyDirs[strings.SplitN(rest, "/", 2)[0]] {
		return homeNone // deeper: a build directory inside a project
	}
	first := strings.SplitN(rest, "/", 2)[0]
	switch {
	case homeKeyDirs[first]:
		return homeKeys
	case homeDisposable[first] || homeDisposable[rest]:
		return homeNone
	}
	return homeData
}

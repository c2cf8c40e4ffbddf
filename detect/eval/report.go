package eval

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"text/tabwriter"
	"time"
)

// FloorsFile is the name of the floors file in a corpus directory.
const FloorsFile = "floors.json"

// FamilyStats are the figures of one family.
type FamilyStats struct {
	// Family and Label (attack or benign) identify the row.
	Family string `json:"family"`
	Label  string `json:"label"`
	// Cases is the number of cases.
	Cases int `json:"cases"`
	// Alerted is the number of cases that raised any alert.
	Alerted int `json:"alerted"`
	// Agreed is the number of attack cases whose alerts carried every
	// expected technique (0 for benign families).
	Agreed int `json:"agreed"`
	// Recall is Agreed / Cases for attack families; AlertRate is Alerted /
	// Cases (the false-positive rate for benign families).
	Recall    float64 `json:"recall"`
	AlertRate float64 `json:"alert_rate"`
	// Misses are the attack cases not agreed, or the benign cases that
	// alerted, with the rules that fired ("id (rule, rule)").
	Misses []string `json:"misses,omitempty"`
}

// Report is the outcome of a corpus run.
type Report struct {
	Families []FamilyStats `json:"families"`
	// AttackCases, AttackAlerted, AttackAgreed and BenignCases,
	// BenignAlerted are the totals.
	AttackCases   int `json:"attack_cases"`
	AttackAlerted int `json:"attack_alerted"`
	AttackAgreed  int `json:"attack_agreed"`
	BenignCases   int `json:"benign_cases"`
	BenignAlerted int `json:"benign_alerted"`
	// Events is the number of events evaluated; Elapsed the wall time.
	Events  int           `json:"events"`
	Elapsed time.Duration `json:"elapsed_ns"`
	// RuleAlerts counts, per rule, the attack and benign cases it fired on.
	RuleAlerts map[string][2]int `json:"rule_alerts"`
}

// BenignRate is BenignAlerted / BenignCases (0 without benign cases).
func (r *Report) BenignRate() float64 { return ratio(r.BenignAlerted, r.BenignCases) }

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// Evaluate runs every case and aggregates the results. progress, when not
// nil, is called after each case with the number done and the total.
func Evaluate(ctx context.Context, r *Runner, cases []*Case, progress func(done, total int)) (*Report, []*Result, error) {
	start := time.Now()
	rep := &Report{RuleAlerts: map[string][2]int{}}
	byFamily := map[[2]string]*FamilyStats{}
	var results []*Result
	for i, c := range cases {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		res, err := r.Run(ctx, c)
		if err != nil {
			return nil, nil, err
		}
		results = append(results, res)
		rep.Events += res.Events
		k := [2]string{c.Label, c.Family}
		fs := byFamily[k]
		if fs == nil {
			fs = &FamilyStats{Family: c.Family, Label: c.Label}
			byFamily[k] = fs
		}
		fs.Cases++
		idx := 0
		if c.Label == LabelBenign {
			idx = 1
		}
		for _, id := range res.RuleIDs() {
			n := rep.RuleAlerts[id]
			n[idx]++
			rep.RuleAlerts[id] = n
		}
		if res.Alerted() {
			fs.Alerted++
		}
		switch c.Label {
		case LabelAttack:
			rep.AttackCases++
			if res.Alerted() {
				rep.AttackAlerted++
			}
			if res.Agreed() {
				fs.Agreed++
				rep.AttackAgreed++
			} else {
				fs.Misses = append(fs.Misses, describe(res))
			}
		case LabelBenign:
			rep.BenignCases++
			if res.Alerted() {
				rep.BenignAlerted++
				fs.Misses = append(fs.Misses, describe(res))
			}
		}
		if progress != nil {
			progress(i+1, len(cases))
		}
	}
	for _, fs := range byFamily {
		fs.AlertRate = ratio(fs.Alerted, fs.Cases)
		if fs.Label == LabelAttack {
			fs.Recall = ratio(fs.Agreed, fs.Cases)
		}
		rep.Families = append(rep.Families, *fs)
	}
	sort.Slice(rep.Families, func(i, j int) bool {
		a, b := rep.Families[i], rep.Families[j]
		if a.Label != b.Label {
			return a.Label == LabelAttack
		}
		return a.Family < b.Family
	})
	rep.Elapsed = time.Since(start)
	return rep, results, nil
}

func describe(res *Result) string {
	s := res.Case.ID
	if ids := res.RuleIDs(); len(ids) > 0 {
		s += " (" + strings.Join(ids, ", ") + ")"
	}
	if len(res.Missing) > 0 && res.Alerted() {
		s += " missing " + strings.Join(res.Missing, ", ")
	}
	return s
}

// WriteText prints the report as a table, then the misses when verbose.
func (r *Report) WriteText(w io.Writer, verbose bool) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "FAMILY\tLABEL\tCASES\tALERTED\tRIGHT ID\tRECALL\tALERT RATE\t")
	for _, f := range r.Families {
		recall := "-"
		agreed := "-"
		if f.Label == LabelAttack {
			recall = pct(f.Recall)
			agreed = fmt.Sprint(f.Agreed)
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%s\t%s\t%s\t\n", f.Family, f.Label, f.Cases, f.Alerted, agreed, recall, pct(f.AlertRate))
	}
	fmt.Fprintf(tw, "all attacks\t\t%d\t%d\t%d\t%s\t%s\t\n", r.AttackCases, r.AttackAlerted, r.AttackAgreed, pct(ratio(r.AttackAgreed, r.AttackCases)), pct(ratio(r.AttackAlerted, r.AttackCases)))
	fmt.Fprintf(tw, "all benign\t\t%d\t%d\t-\t-\t%s\t\n", r.BenignCases, r.BenignAlerted, pct(r.BenignRate()))
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "%d events in %s\n", r.Events, r.Elapsed.Round(time.Millisecond))
	if !verbose {
		return nil
	}
	for _, f := range r.Families {
		for _, m := range f.Misses {
			what := "missed"
			if f.Label == LabelBenign {
				what = "false positive"
			}
			fmt.Fprintf(w, "%s %s/%s: %s\n", what, f.Label, f.Family, m)
		}
	}
	ids := make([]string, 0, len(r.RuleAlerts))
	for id := range r.RuleAlerts {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		n := r.RuleAlerts[id]
		fmt.Fprintf(w, "rule %s: %d attack cases, %d benign cases\n", id, n[0], n[1])
	}
	return nil
}

func pct(f float64) string { return fmt.Sprintf("%.1f%%", 100*f) }

// Floors are the minimum recall per attack family and the maximum benign
// alert rate a rule set must hold on a corpus (floors.json).
type Floors struct {
	// Families maps an attack family to its minimum recall (0..1).
	Families map[string]float64 `json:"families"`
	// BenignMaxRate is the highest acceptable share of benign cases that
	// alert (0..1).
	BenignMaxRate float64 `json:"benign_max_rate"`
}

// ReadFloors reads a floors file.
func ReadFloors(path string) (Floors, error) {
	var f Floors
	data, err := os.ReadFile(path)
	if err != nil {
		return f, fmt.Errorf("read floors: %w", err)
	}
	if err := json.Unmarshal(data, &f); err != nil {
		return f, fmt.Errorf("%s: %w", path, err)
	}
	return f, nil
}

// ErrBelowFloor is wrapped by Check's error.
var ErrBelowFloor = errors.New("below floor")

// Check returns an error naming every family under its floor, every
// floored family absent from the report, and a benign rate above the
// ceiling.
func (f Floors) Check(r *Report) error {
	var errs []error
	have := map[string]FamilyStats{}
	for _, fs := range r.Families {
		if fs.Label == LabelAttack {
			have[fs.Family] = fs
		}
	}
	names := make([]string, 0, len(f.Families))
	for n := range f.Families {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fs, ok := have[n]
		switch {
		case !ok:
			errs = append(errs, fmt.Errorf("%w: family %s has no cases", ErrBelowFloor, n))
		case fs.Recall+1e-9 < f.Families[n]:
			errs = append(errs, fmt.Errorf("%w: family %s recall %s < floor %s", ErrBelowFloor, n, pct(fs.Recall), pct(f.Families[n])))
		}
	}
	if r.BenignCases > 0 && r.BenignRate() > f.BenignMaxRate+1e-9 {
		errs = append(errs, fmt.Errorf("%w: benign alert rate %s > ceiling %s", ErrBelowFloor, pct(r.BenignRate()), pct(f.BenignMaxRate)))
	}
	return errors.Join(errs...)
}

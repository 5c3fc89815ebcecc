package server

import (
	"fmt"
	"strconv"
	"strings"
)

// yearChart is the view model of a bar chart of counts per year, drawn as
// inline SVG by the "yearchart" template (no script, no chart library). The
// geometry is computed here, so the template only places what it is given.
type yearChart struct {
	// ID prefixes the ids of the chart's <title> and <desc>, which label it.
	ID string
	// Title names the chart; Desc says in words what the bars show, for
	// people who cannot see them.
	Title, Desc string
	// Unit names what is counted, singular and plural ("mention", "mentions").
	Unit, Units string
	// Width and Height are the viewBox; the CSS scales the chart down, never up.
	Width, Height int
	BaseY         int // the y of the axis line
	YearY         int // the baseline of the year labels
	// Links is true when some bars are links: the chart is then a group of
	// links rather than one image.
	Links bool
	// UnitsHeading heads the table's count column ("Mentions").
	UnitsHeading string
	Bars         []yearBar
	// Total of the counts, and the largest, for the table alternative.
	Total, Max int
}

// yearBar is one year's bar. Every year from the first to the last has one,
// so gaps show as gaps rather than disappearing.
type yearBar struct {
	Year  string
	Count int
	// X, Y, W, H place the bar; H is 0 for a year without any.
	X, Y, W, H string
	// LabelX is the centre of the bar, for the year below it and the count
	// above it; CountY is where the count goes.
	LabelX, CountY string
	// ShowYear is false when there are too many years to label each one.
	ShowYear bool
	// Href, when set, makes the bar a link (the search page's year filter).
	Href string
	// Selected marks a year that is a filter in force.
	Selected bool
	// Label is what a screen reader says for the bar: "2019: 3 documents".
	Label string
}

// Chart geometry, in viewBox units (CSS pixels at full size).
const (
	chartSlot     = 40 // horizontal room per year
	chartMinWidth = 280
	chartPad      = 6  // left and right
	chartTop      = 18 // room for the counts above the bars
	chartPlot     = 110
	chartBottom   = 22 // room for the years below the axis
	chartMaxYears = 14 // more than this and only some years are labelled
)

// yearCount is one year's count, the input of buildYearChart.
type yearCount struct {
	Year  string
	Count int
}

// buildYearChart lays out a bar per year from the first year in counts to the
// last (counts may come in any order, with gaps). href, when not nil, gives
// each year with a count its link. It returns nil when there is nothing to draw.
func buildYearChart(id, title, unit, units string, counts []yearCount, href func(year string) (string, bool)) *yearChart {
	byYear := map[int]int{}
	first, last := 0, 0
	for _, c := range counts {
		y, err := strconv.Atoi(c.Year)
		if err != nil || len(c.Year) != 4 || c.Count <= 0 {
			continue
		}
		if len(byYear) == 0 || y < first {
			first = y
		}
		if len(byYear) == 0 || y > last {
			last = y
		}
		byYear[y] += c.Count
	}
	if len(byYear) == 0 {
		return nil
	}
	n := last - first + 1
	ch := &yearChart{
		ID: id, Title: title, Unit: unit, Units: units,
		Width:  max(chartMinWidth, n*chartSlot+2*chartPad),
		Height: chartTop + chartPlot + chartBottom,
		BaseY:  chartTop + chartPlot,
		YearY:  chartTop + chartPlot + chartBottom - 6,
	}
	ch.UnitsHeading = strings.ToUpper(units[:1]) + units[1:]
	for _, c := range byYear {
		ch.Total += c
		ch.Max = max(ch.Max, c)
	}
	slot := float64(ch.Width-2*chartPad) / float64(n)
	barW := min(slot*0.7, 48)
	every := (n + chartMaxYears - 1) / chartMaxYears
	var words []string
	for i := range n {
		year := first + i
		c := byYear[year]
		h := 0.0
		if c > 0 {
			h = max(2, float64(c)/float64(ch.Max)*chartPlot)
		}
		x := chartPad + float64(i)*slot + (slot-barW)/2
		b := yearBar{
			Year:     strconv.Itoa(year),
			Count:    c,
			X:        num(x),
			Y:        num(float64(ch.BaseY) - h),
			W:        num(barW),
			H:        num(h),
			LabelX:   num(x + barW/2),
			CountY:   num(float64(ch.BaseY) - h - 4),
			ShowYear: i%every == 0,
			Label:    fmt.Sprintf("%d: %d %s", year, c, plural(c, unit, units)),
		}
		if href != nil && c > 0 {
			b.Href, b.Selected = href(b.Year)
			ch.Links = ch.Links || b.Href != ""
		}
		ch.Bars = append(ch.Bars, b)
		if c > 0 {
			words = append(words, fmt.Sprintf("%d in %d", c, year))
		}
	}
	span := strconv.Itoa(first)
	if last != first {
		span += " to " + strconv.Itoa(last)
	}
	ch.Desc = fmt.Sprintf("Bar chart of %s per year, %s: %s.", units, span, strings.Join(words, ", "))
	return ch
}

// num formats a coordinate with at most one decimal: enough for a crisp
// chart, short in the page.
func num(f float64) string {
	return strconv.FormatFloat(float64(int(f*10+0.5))/10, 'f', -1, 64)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

package pdf

import (
	"fmt"
	"math"
	"strings"
	"sync"

	"github.com/jung-kurt/gofpdf"
)

// The EU emblem as the EU's graphic rules give it: a reflex-blue rectangle
// of 3:2; twelve gold five-pointed stars, upright (one point up), evenly
// spaced like the hours of a clock on an invisible circle whose radius is
// a third of the flag's height; each star's points on a circle of radius a
// eighteenth of the height.
var (
	emblemBlue = rgb{0x00, 0x33, 0x99} // reflex blue
	emblemGold = rgb{0xFF, 0xCC, 0x00} // yellow
)

const (
	emblemRatio      = 1.5        // width / height
	emblemRing       = 1.0 / 3    // ring radius / height
	emblemStarOuter  = 1.0 / 18   // star outer radius / height
	emblemStarInner  = 0.38196601 // inner / outer radius of a regular pentagram: cos 72° / cos 36°
	emblemStars      = 12
	emblemStarPoints = 5
)

// emblemPoints returns the stars' outlines in a flag of height 1 whose top
// left corner is the origin, y pointing down.
func emblemPoints() [][]gofpdf.PointType {
	cx, cy := emblemRatio/2, 0.5
	stars := make([][]gofpdf.PointType, emblemStars)
	for i := range stars {
		a := 2 * math.Pi * float64(i) / emblemStars
		sx, sy := cx+emblemRing*math.Sin(a), cy-emblemRing*math.Cos(a)
		pts := make([]gofpdf.PointType, 2*emblemStarPoints)
		for k := range pts {
			r := emblemStarOuter
			if k%2 == 1 {
				r *= emblemStarInner
			}
			t := math.Pi * float64(k) / emblemStarPoints // k = 0 is the top point
			pts[k] = gofpdf.PointType{X: sx + r*math.Sin(t), Y: sy - r*math.Cos(t)}
		}
		stars[i] = pts
	}
	return stars
}

// emblemPath is the emblem as PDF path operators in a unit space (height
// 1, y up, origin at the bottom left), built once: every page's footer
// carries an emblem, and 120 formatted points per page through gofpdf's
// Polygon would cost more than the rest of the footer.
var emblemPath = sync.OnceValue(func() string {
	var b strings.Builder
	c := func(v rgb) string {
		return fmt.Sprintf("%.4f %.4f %.4f rg\n", float64(v.r)/255, float64(v.g)/255, float64(v.b)/255)
	}
	b.WriteString(c(emblemBlue))
	fmt.Fprintf(&b, "0 0 %.4f 1 re f\n", emblemRatio)
	b.WriteString(c(emblemGold))
	for _, star := range emblemPoints() {
		for k, p := range star {
			op := "l"
			if k == 0 {
				op = "m"
			}
			fmt.Fprintf(&b, "%.5f %.5f %s\n", p.X, 1-p.Y, op)
		}
		b.WriteString("h\n")
	}
	b.WriteString("f\n")
	return b.String()
})

// drawEmblem draws the emblem with its top left corner at (x, y) mm and
// height h mm (width 1.5 h), leaving gofpdf's graphics state as it was.
func drawEmblem(f *gofpdf.Fpdf, x, y, h float64) {
	k := f.GetConversionRatio()
	_, pageH := f.GetPageSize()
	// Scale the unit flag to h and move its bottom left corner to (x, y+h).
	f.RawWriteStr(fmt.Sprintf("q %.4f 0 0 %.4f %.3f %.3f cm\n%sQ\n", h*k, h*k, x*k, (pageH-y-h)*k, emblemPath()))
}

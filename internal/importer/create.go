package importer

import (
	"context"

	"briefstudio/internal/brief"
	"briefstudio/internal/store"
)

// Create imports a Markdown document as a new brief of type typ owned by
// u: what POST /api/import and `briefstudio import` do.
func Create(ctx context.Context, st *store.Store, u brief.User, src []byte, typ string) (brief.Brief, Report, error) {
	if typ == "" {
		return brief.Brief{}, Report{}, brief.Errorf(brief.EInvalid, "type is required (one of the brief types, e.g. discussion-brief)")
	}
	res, err := Import(src, typ)
	if err != nil {
		return brief.Brief{}, Report{}, err
	}
	b, err := st.CreateBrief(ctx, u, store.NewBrief{Type: typ, Title: res.Title, Metadata: res.Metadata, Sections: res.Sections})
	return b, res.Report, err
}

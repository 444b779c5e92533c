package importer

import (
	"context"

	"briefstudio/internal/brief"
	"briefstudio/internal/store"
)

// AutoType asks Create to take the brief type from the file's front matter.
const AutoType = "auto"

// Create imports a Markdown document as a new brief of type typ owned by
// u: what POST /api/import and `briefstudio import` do.
func Create(ctx context.Context, st *store.Store, u brief.User, src []byte, typ string) (brief.Brief, Report, error) {
	if typ == "" {
		return brief.Brief{}, Report{}, brief.Errorf(brief.EInvalid, "type is required (one of the brief types, e.g. discussion-brief, or auto to take it from the front matter)")
	}
	if typ == AutoType {
		if typ = DetectType(src); typ == "" {
			return brief.Brief{}, Report{}, brief.Errorf(brief.EInvalid, "type auto: the file has no front matter naming a brief type (type: discussion-brief); choose the type")
		}
	}
	res, err := Import(src, typ)
	if err != nil {
		return brief.Brief{}, Report{}, err
	}
	b, err := st.CreateBrief(ctx, u, store.NewBrief{Type: typ, Title: res.Title, Metadata: res.Metadata, Sections: res.Sections})
	return b, res.Report, err
}

package brief

import "testing"

// TestCan walks DESIGN.md's "Who may do what" table cell by cell. The
// expectations are written out here, not derived from Can.
func TestCan(t *testing.T) {
	actors := []struct {
		name  string
		actor Actor
	}{
		{"author", Actor{Role: RoleAuthor, Member: MemberAuthor}},
		{"supervisor", Actor{Role: RoleSupervisor, Member: MemberSupervisor}},
		{"admin", Actor{Role: RoleAdmin}},
		{"adminAuthor", Actor{Role: RoleAdmin, Member: MemberAuthor}},
		{"authorAsSupervisor", Actor{Role: RoleAuthor, Member: MemberSupervisor}},
		{"outsider", Actor{Role: RoleAuthor}},
		{"outsiderSupervisor", Actor{Role: RoleSupervisor}},
	}
	//                      author supervisor admin adminAuthor authorAsSup outsider outsiderSup
	table := map[Action][7]bool{
		ActCreate:        {true, true, true, true, true, true, true},
		ActRead:          {true, true, true, true, true, false, false},
		ActEdit:          {true, false, false, true, false, false, false},
		ActComment:       {true, true, true, true, true, false, false},
		ActResolve:       {true, true, true, true, true, false, false},
		ActSuggest:       {true, true, true, true, true, false, false},
		ActDecide:        {true, false, false, true, false, false, false},
		ActSubmit:        {true, false, false, true, false, false, false},
		ActReview:        {false, true, false, false, true, false, false},
		ActManageMembers: {true, false, true, true, false, false, false},
		ActArchive:       {true, false, true, true, false, false, false},
		ActAdminister:    {false, false, true, true, false, false, false},
	}
	if len(table) != len(Actions) {
		t.Fatalf("table covers %d actions, the domain has %d", len(table), len(Actions))
	}
	for _, act := range Actions {
		for i, a := range actors {
			t.Run(string(act)+"/"+a.name, func(t *testing.T) {
				if got, want := Can(a.actor, act), table[act][i]; got != want {
					t.Fatalf("Can(%+v, %s) = %v, want %v", a.actor, act, got, want)
				}
			})
		}
	}
}

func TestAuthorizeCodes(t *testing.T) {
	tests := []struct {
		name  string
		actor Actor
		act   Action
		want  Code
	}{
		{"OK", Actor{Role: RoleAuthor, Member: MemberAuthor}, ActEdit, ""},
		{"ErrNotFoundForOutsider", Actor{Role: RoleAuthor}, ActEdit, ENotFound},
		{"ErrNotFoundForOutsiderRead", Actor{Role: RoleSupervisor}, ActRead, ENotFound},
		{"ErrForbiddenForSupervisorEdit", Actor{Role: RoleSupervisor, Member: MemberSupervisor}, ActEdit, EForbidden},
		{"ErrForbiddenForAdminEdit", Actor{Role: RoleAdmin}, ActEdit, EForbidden},
		{"ErrForbiddenAdminister", Actor{Role: RoleAuthor}, ActAdminister, EForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ErrorCode(Authorize(tt.actor, tt.act)); got != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
}

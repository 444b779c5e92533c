package brief

// Role is a user's default role, given when the user is created.
type Role string

// The user roles.
const (
	RoleAuthor     Role = "author"
	RoleSupervisor Role = "supervisor"
	RoleAdmin      Role = "admin"
)

// ParseRole validates a user role.
func ParseRole(s string) (Role, error) {
	switch r := Role(s); r {
	case RoleAuthor, RoleSupervisor, RoleAdmin:
		return r, nil
	}
	return "", Errorf(EInvalid, "role must be author, supervisor or admin, not %q", s)
}

// MemberRole is a user's role on one brief. The zero value means the user
// is not a member.
type MemberRole string

// The membership roles.
const (
	MemberNone       MemberRole = ""
	MemberAuthor     MemberRole = "author"
	MemberSupervisor MemberRole = "supervisor"
)

// ParseMemberRole validates a membership role.
func ParseMemberRole(s string) (MemberRole, error) {
	switch r := MemberRole(s); r {
	case MemberAuthor, MemberSupervisor:
		return r, nil
	}
	return "", Errorf(EInvalid, "member role must be author or supervisor, not %q", s)
}

// DefaultMemberRole is the membership a user gets when added to a brief
// without an explicit role: their default role, admins as authors.
func DefaultMemberRole(r Role) MemberRole {
	if r == RoleSupervisor {
		return MemberSupervisor
	}
	return MemberAuthor
}

// Action is something a user may try to do to a brief or the workspace.
type Action string

// The actions of DESIGN.md's permission table, one per row.
const (
	ActCreate        Action = "create"         // create or import a brief
	ActRead          Action = "read"           // read, history, comments, export
	ActEdit          Action = "edit"           // text, metadata, sections, restore
	ActComment       Action = "comment"        // comment, reply, edit/delete own
	ActResolve       Action = "resolve"        // resolve / reopen a comment
	ActSuggest       Action = "suggest"        // suggest a change
	ActDecide        Action = "decide"         // accept / reject a suggestion
	ActSubmit        Action = "submit"         // submit for review
	ActReview        Action = "review"         // approve / request changes
	ActManageMembers Action = "manage_members" // add / remove members
	ActArchive       Action = "archive"        // archive / duplicate
	ActAdminister    Action = "administer"     // users, tokens, brand profile
)

// Actions lists every action, in the order of the table.
var Actions = []Action{ActCreate, ActRead, ActEdit, ActComment, ActResolve, ActSuggest,
	ActDecide, ActSubmit, ActReview, ActManageMembers, ActArchive, ActAdminister}

// Actor is who is acting: their user role and their membership of the brief
// in question (MemberNone for workspace actions or non-members).
type Actor struct {
	Role   Role
	Member MemberRole
}

// Can answers the permission table of DESIGN.md: may this actor do this?
// It is the one place that knows the table.
func Can(a Actor, act Action) bool {
	author := a.Member == MemberAuthor
	member := a.Member != MemberNone
	admin := a.Role == RoleAdmin
	switch act {
	case ActCreate:
		return a.Role != ""
	case ActRead, ActComment, ActResolve, ActSuggest:
		return member || admin
	case ActEdit, ActDecide, ActSubmit:
		return author
	case ActReview:
		return a.Member == MemberSupervisor
	case ActManageMembers, ActArchive:
		return author || admin
	case ActAdminister:
		return admin
	}
	return false
}

// Authorize returns nil when the actor may act, else the coded error the
// contract gives: not_found for someone who may not even read the brief (so
// its existence does not leak), forbidden otherwise.
func Authorize(a Actor, act Action) error {
	if Can(a, act) {
		return nil
	}
	if act != ActCreate && act != ActAdminister && !Can(a, ActRead) {
		return Errorf(ENotFound, "brief not found")
	}
	return Errorf(EForbidden, "%s", forbiddenMessage(a, act))
}

func forbiddenMessage(a Actor, act Action) string {
	switch act {
	case ActEdit:
		if a.Member == MemberSupervisor {
			return "supervisors do not edit the text: suggest a change instead"
		}
		return "only the brief's authors may edit it"
	case ActDecide:
		return "only the brief's authors may accept or reject suggestions"
	case ActSubmit:
		return "only the brief's authors may submit it for review"
	case ActReview:
		return "only the brief's supervisors may approve or request changes"
	case ActManageMembers:
		return "only the brief's authors or an admin may manage members"
	case ActArchive:
		return "only the brief's authors or an admin may archive or duplicate it"
	case ActAdminister:
		return "only an admin may do this"
	}
	return "you may not do this"
}

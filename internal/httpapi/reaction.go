package httpapi

import (
	"net/http"

	"parley/internal/service"
)

type reactionResponse struct {
	Reactions int  `json:"reactions"`
	Reacted   bool `json:"reacted"`
}

func (a *API) react(w http.ResponseWriter, r *http.Request) error {
	res, err := a.svc.React(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, reactionResponse{Reactions: res.Count, Reacted: res.Reacted})
	return nil
}

func (a *API) unreact(w http.ResponseWriter, r *http.Request) error {
	res, err := a.svc.Unreact(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, reactionResponse{Reactions: res.Count, Reacted: res.Reacted})
	return nil
}

type reportRequest struct {
	Reason string `json:"reason"`
	Note   string `json:"note"`
}

type reportResponse struct {
	Report struct {
		ID     string `json:"id"`
		Reason string `json:"reason"`
	} `json:"report"`
}

func (a *API) report(w http.ResponseWriter, r *http.Request) error {
	var req reportRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	rep, err := a.svc.Report(r.Context(), service.NewReport{CommentID: r.PathValue("id"), Reason: req.Reason, Note: req.Note})
	if err != nil {
		return err
	}
	var resp reportResponse
	resp.Report.ID, resp.Report.Reason = rep.ID, rep.Reason
	writeJSON(w, http.StatusCreated, resp)
	return nil
}

package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/config"
)

// BackupItem is one entry of GET /api/config/backups, with the current
// names (name, size, created) and the older API's (size_bytes,
// created_at).
type BackupItem struct {
	Name      string    `json:"name"`
	Size      int64     `json:"size"`
	Created   time.Time `json:"created"`
	SizeBytes int64     `json:"size_bytes"`
	CreatedAt time.Time `json:"created_at"`
	Automatic bool      `json:"automatic" doc:"Timestamped backups are pruned after backup.keep_days; custom-named ones are kept"`
}

type backupListOutput struct{ Body []BackupItem }

type backupCreateInput struct {
	Name string `query:"name" maxLength:"100" doc:"Custom name (letters, digits, '-', '_', '.'); default config_backup_<UTC timestamp>"`
}

type backupCreateOutput struct {
	Body struct {
		Success   bool      `json:"success"`
		Name      string    `json:"name"`
		Message   string    `json:"message"`
		CreatedAt time.Time `json:"created_at"`
	}
}

type backupNameInput struct {
	Name string `path:"backup_name" doc:"A name from GET /api/config/backups"`
}

type messageOutput struct {
	Body struct {
		Success bool   `json:"success"`
		Message string `json:"message"`
	}
}

// backupNameError turns a refused name into 400 (never a path probe).
// For create, every ErrInvalid is about the name.
func backupNameError(err error, create bool) error {
	if errors.Is(err, config.ErrBackupName) || (create && errors.Is(err, anime.ErrInvalid)) {
		return NewError(http.StatusBadRequest, CodeBadRequest, "Invalid backup name: use a name from GET /api/config/backups", map[string]any{"field": "backup_name"})
	}
	return err
}

const docRestoreBackup = "The backup is validated first (422 when invalid, nothing changes); the current " +
	"configuration is backed up, then the backup is applied. Answers the restored AppConfig."

func (r *configHandlers) listBackups(ctx context.Context, _ *struct{}) (*backupListOutput, error) {
	list, err := r.Config.ListBackups()
	if err != nil {
		return nil, err
	}
	out := &backupListOutput{Body: make([]BackupItem, len(list))}
	for i, b := range list {
		out.Body[i] = BackupItem{Name: b.Name, Size: b.Size, SizeBytes: b.Size, Created: b.Created, CreatedAt: b.Created, Automatic: b.Automatic}
	}
	return out, nil
}

func (r *configHandlers) createBackup(ctx context.Context, in *backupCreateInput) (*backupCreateOutput, error) {
	name, err := r.Config.Backup(in.Name)
	if err != nil {
		return nil, backupNameError(err, true)
	}
	out := &backupCreateOutput{}
	out.Body.Success, out.Body.Name, out.Body.CreatedAt = true, name, r.Now().UTC()
	out.Body.Message = "Backup created successfully"
	return out, nil
}

func (r *configHandlers) restoreBackup(ctx context.Context, in *backupNameInput) (*configOutput, error) {
	old := r.Config.Get()
	next, err := r.Config.RestoreBackup(in.Name)
	if err != nil {
		return nil, backupNameError(err, false)
	}
	return &configOutput{Body: config.Mask(next), RestartRequired: strings.Join(r.Config.RestartRequired(old, next), ",")}, nil
}

func (r *configHandlers) deleteBackup(ctx context.Context, in *backupNameInput) (*messageOutput, error) {
	if err := r.Config.DeleteBackup(in.Name); err != nil {
		return nil, backupNameError(err, false)
	}
	out := &messageOutput{}
	out.Body.Success, out.Body.Message = true, fmt.Sprintf("Backup '%s' deleted successfully", in.Name)
	return out, nil
}

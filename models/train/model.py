"""Llama-architecture decoder (RoPE, RMSNorm, SwiGLU, GQA) matching HF LlamaForCausalLM semantics.

The same module serves training (no cache) and ONNX export (HF-style KV cache inputs/outputs), so
the exported graph is exactly the trained computation.
"""
import math
import torch
import torch.nn as nn
import torch.nn.functional as F


class RMSNorm(nn.Module):
    def __init__(self, d, eps):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(d))
        self.eps = eps

    def forward(self, x):
        return self.weight * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps))


def rotate_half(x):
    h = x.shape[-1] // 2
    return torch.cat((-x[..., h:], x[..., :h]), dim=-1)


class Attention(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        d, self.nh, self.nkv, self.hd = cfg['hidden_size'], cfg['num_attention_heads'], cfg['num_key_value_heads'], cfg['head_dim']
        self.q_proj = nn.Linear(d, self.nh * self.hd, bias=False)
        self.k_proj = nn.Linear(d, self.nkv * self.hd, bias=False)
        self.v_proj = nn.Linear(d, self.nkv * self.hd, bias=False)
        self.o_proj = nn.Linear(self.nh * self.hd, d, bias=False)

    def forward(self, x, cos, sin, mask, past_k=None, past_v=None):
        B, S, _ = x.shape
        q = self.q_proj(x).view(B, S, self.nh, self.hd).transpose(1, 2)
        k = self.k_proj(x).view(B, S, self.nkv, self.hd).transpose(1, 2)
        v = self.v_proj(x).view(B, S, self.nkv, self.hd).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        if past_k is not None:
            k = torch.cat([past_k, k], dim=2)
            v = torch.cat([past_v, v], dim=2)
        present = (k, v)
        T = k.shape[2]
        rep = self.nh // self.nkv
        # GQA: expand + reshape (repeat_interleave exports wrong shapes in torch 1.13)
        k = k[:, :, None].expand(B, self.nkv, rep, T, self.hd).reshape(B, self.nh, T, self.hd)
        v = v[:, :, None].expand(B, self.nkv, rep, T, self.hd).reshape(B, self.nh, T, self.hd)
        att = (q @ k.transpose(-1, -2)) * (1.0 / math.sqrt(self.hd))
        att = att.masked_fill(mask, torch.finfo(att.dtype).min)
        y = F.softmax(att, dim=-1) @ v
        return self.o_proj(y.transpose(1, 2).reshape(B, S, self.nh * self.hd)), present


class MLP(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        d, f = cfg['hidden_size'], cfg['intermediate_size']
        self.gate_proj = nn.Linear(d, f, bias=False)
        self.up_proj = nn.Linear(d, f, bias=False)
        self.down_proj = nn.Linear(f, d, bias=False)

    def forward(self, x):
        return self.down_proj(F.silu(self.gate_proj(x)) * self.up_proj(x))


class Block(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.input_layernorm = RMSNorm(cfg['hidden_size'], cfg['rms_norm_eps'])
        self.self_attn = Attention(cfg)
        self.post_attention_layernorm = RMSNorm(cfg['hidden_size'], cfg['rms_norm_eps'])
        self.mlp = MLP(cfg)

    def forward(self, x, cos, sin, mask, past_k=None, past_v=None):
        a, present = self.self_attn(self.input_layernorm(x), cos, sin, mask, past_k, past_v)
        x = x + a
        return x + self.mlp(self.post_attention_layernorm(x)), present


class Llama(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        self.embed_tokens = nn.Embedding(cfg['vocab_size'], cfg['hidden_size'])
        self.layers = nn.ModuleList(Block(cfg) for _ in range(cfg['num_hidden_layers']))
        self.norm = RMSNorm(cfg['hidden_size'], cfg['rms_norm_eps'])
        hd = cfg['head_dim']
        self.register_buffer('inv_freq', 1.0 / (cfg['rope_theta'] ** (torch.arange(0, hd, 2).float() / hd)), persistent=False)
        self.apply(self._init)
        # GPT-2 style scaled init of residual projections
        for n, p in self.named_parameters():
            if n.endswith('o_proj.weight') or n.endswith('down_proj.weight'):
                nn.init.normal_(p, std=0.02 / math.sqrt(2 * cfg['num_hidden_layers']))

    @staticmethod
    def _init(m):
        if isinstance(m, (nn.Linear, nn.Embedding)):
            nn.init.normal_(m.weight, std=0.02)

    def rope(self, position_ids):
        f = position_ids[..., None].float() * self.inv_freq  # [B,S,hd/2]
        emb = torch.cat((f, f), dim=-1)[:, None]  # [B,1,S,hd]
        return emb.cos(), emb.sin()

    def forward(self, input_ids, attention_mask=None, position_ids=None, past=None):
        """Returns (logits, presents). `past`: list of (k, v) [B, kv_heads, P, head_dim] or None."""
        B, S = input_ids.shape
        P = past[0][0].shape[2] if past is not None else 0
        if position_ids is None:
            position_ids = torch.arange(P, P + S, device=input_ids.device)[None].expand(B, S)
        cos, sin = self.rope(position_ids)
        T = P + S
        # masked = future key (causal, offset by past length) or padding key
        kpos = torch.arange(T, device=input_ids.device)[None, :]
        qpos = torch.arange(S, device=input_ids.device)[:, None] + (T - S)
        mask = (kpos > qpos)[None, None]
        if attention_mask is not None:
            mask = mask | (attention_mask[:, None, None, :] == 0)
        x = self.embed_tokens(input_ids)
        presents = []
        for i, layer in enumerate(self.layers):
            pk, pv = past[i] if past is not None else (None, None)
            x, pr = layer(x, cos, sin, mask, pk, pv)
            presents.append(pr)
        x = self.norm(x)
        logits = x @ self.embed_tokens.weight.t()  # tied embeddings
        return logits, presents


def make_config(vocab_size, hidden_size, layers, heads, kv_heads, intermediate_size, ctx, special):
    return {
        'architectures': ['LlamaForCausalLM'],
        'model_type': 'llama',
        'vocab_size': vocab_size,
        'hidden_size': hidden_size,
        'intermediate_size': intermediate_size,
        'num_hidden_layers': layers,
        'num_attention_heads': heads,
        'num_key_value_heads': kv_heads,
        'head_dim': hidden_size // heads,
        'hidden_act': 'silu',
        'max_position_embeddings': ctx,
        'rms_norm_eps': 1e-5,
        'rope_theta': 10000.0,
        'rope_scaling': None,
        'attention_bias': False,
        'mlp_bias': False,
        'tie_word_embeddings': True,
        'initializer_range': 0.02,
        'bos_token_id': special['<|endoftext|>'],
        'eos_token_id': special['<|endoftext|>'],
        'pad_token_id': special['<|fim_pad|>'],
        'torch_dtype': 'float32',
        'use_cache': True,
    }
